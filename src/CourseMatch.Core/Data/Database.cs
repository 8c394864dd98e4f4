using CourseMatch.Catalog;
using CourseMatch.Data.Seed;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Data;

/// <summary>Schema and demo data, in the order run.sh, the CLI and the tests need them.</summary>
public static class Database
{
    public static async Task MigrateAsync(NpgsqlDataSource source, CancellationToken ct = default)
    {
        await using var db = CourseMatchDb.Create(source);
        await db.Database.MigrateAsync(ct);
        // The new extension's types must be visible to pooled connections opened before it existed.
        await using var conn = await source.OpenConnectionAsync(ct);
        await conn.ReloadTypesAsync(ct);
    }

    /// <summary>Loads the demo catalog (idempotent) and refreshes the spelling vocabulary.</summary>
    public static async Task<int> SeedDemoAsync(NpgsqlDataSource source, CancellationToken ct = default)
    {
        await Places.Gazetteer.SeedAsync(source, ct);
        await using var db = CourseMatchDb.Create(source);
        var n = await CatalogSeeder.SeedAsync(db, SeedCatalog.LoadEmbedded(), ct);
        await Places.Gazetteer.LocateCoursesAsync(source, ct);
        await CatalogSearch.RefreshVocabularyAsync(source, ct);
        return n;
    }

    /// <summary>
    /// The connection string for CLI commands: ConnectionStrings__CourseMatch when set, otherwise the local
    /// cluster that run.sh keeps under COURSEMATCH_DATA (default .data).
    /// </summary>
    public static string ResolveConnectionString()
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__CourseMatch");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        var data = Environment.GetEnvironmentVariable("COURSEMATCH_DATA") is { Length: > 0 } d ? d : ".data";
        var portFile = Path.Combine(data, "pg.port");
        if (!File.Exists(portFile) || !int.TryParse(File.ReadAllText(portFile).Trim(), out var port))
            throw new InvalidOperationException(
                $"No database configured: set ConnectionStrings__CourseMatch, or create the local one with ./run.sh (looked for {Path.GetFullPath(portFile)}).");
        // The CLI may run while run.sh is not: start the cluster it manages rather than fail to connect.
        LocalPostgres.StartManagedIfStoppedAsync(data, port).GetAwaiter().GetResult();
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=coursematch";
    }
}
