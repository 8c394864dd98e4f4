# Build the web app and the CLI; the container migrates and seeds, then serves (as run.sh does).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/CourseMatch.Web -c Release -o /app/web \
 && dotnet publish src/CourseMatch.Cli -c Release -o /app/cli

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app /app
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "dotnet cli/coursematch.dll migrate && dotnet cli/coursematch.dll seed && exec dotnet web/CourseMatch.Web.dll --contentRoot web"]
