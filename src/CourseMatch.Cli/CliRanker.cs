using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CourseMatch.Cli;

/// <summary>The ranker the CLI uses: the active model when there is one, the rubric otherwise, as in the web app.</summary>
internal static class CliRanker
{
    public static Task<IRankerSource> CreateAsync(NpgsqlDataSource db) =>
        Task.FromResult<IRankerSource>(new ModelRankerSource(db, NullLogger<ModelRankerSource>.Instance));
}
