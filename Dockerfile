# Build the web app and the CLI; the container migrates, seeds, trains a first model and tagger, prints demo
# accounts on a new database, then serves (as run.sh does; scripts/container-start.sh).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/CourseMatch.Web -c Release -o /app/web \
 && dotnet publish src/CourseMatch.Cli -c Release -o /app/cli

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# LightGBM (ranking model) needs the GNU OpenMP runtime.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgomp1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
COPY scripts/container-start.sh /app/start.sh
EXPOSE 8080
ENTRYPOINT ["sh", "/app/start.sh"]
