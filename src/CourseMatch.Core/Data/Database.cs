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
        await using var db = StartupContext(source);
        await db.Database.MigrateAsync(ct);
        // The new extension's types must be visible to pooled connections opened before it existed.
        await using var conn = await source.OpenConnectionAsync(ct);
        await conn.ReloadTypesAsync(ct);
    }

    /// <summary>Loads the demo catalog (idempotent) and refreshes the spelling vocabulary.</summary>
    public static async Task<int> SeedDemoAsync(NpgsqlDataSource source, CancellationToken ct = default)
    {
        await Places.Gazetteer.SeedAsync(source, ct);
        await using var db = StartupContext(source);
        var n = await CatalogSeeder.SeedAsync(db, SeedCatalog.LoadEmbedded(), ct);
        await Places.Gazetteer.LocateCoursesAsync(source, ct);
        await CatalogSearch.RefreshVocabularyAsync(source, ct);
        return n;
    }

    /// <summary>Start-up work runs before any container exists, so it makes its one context here.</summary>
    private static CourseMatchDb StartupContext(NpgsqlDataSource source)
    {
        var options = new DbContextOptionsBuilder<CourseMatchDb>();
        CourseMatchDb.Configure(options, source);
        return new CourseMatchDb(options.Options);
    }
}
