using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Curation;

/// <summary>Saved mappings (table import_mappings): list, find, save (create or replace) and delete, each write audited.</summary>
public sealed class ImportMappings(IDbContextFactory<CourseMatchDb> dbs)
{
    public async Task<List<ImportMapping>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.ImportMappings.AsNoTracking().OrderBy(m => m.Name).ToListAsync(ct);
    }

    public async Task<ImportMapping?> FindAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var trimmed = name.Trim();
        return await db.ImportMappings.AsNoTracking().FirstOrDefaultAsync(m => m.Name == trimmed, ct);
    }

    /// <summary>The saved mapping's document, or a message that names the saved ones.</summary>
    public async Task<(MappingDocument? Document, string? Error)> DocumentAsync(string name, CancellationToken ct = default)
    {
        if (await FindAsync(name, ct) is { } saved) return (saved.Document, null);
        var names = (await ListAsync(ct)).Select(m => m.Name).ToList();
        return (null, $"There is no saved mapping called \"{name.Trim()}\"" + (names.Count > 0 ? $"; saved mappings: {string.Join(", ", names)}." : "; none are saved yet."));
    }

    /// <summary>What is wrong with a mapping as a document, whatever file it meets: unknown fields, a field with two sources, a bad feed name, a constant we cannot read.</summary>
    public static List<string> Problems(MappingDocument document)
    {
        // Checked against an imaginary file that has every column the mapping names, so only file-independent problems remain.
        var columns = document.Fields.Values.SelectMany(ColumnsOf).Distinct().ToList();
        return document.Problems(columns).Where(p => !p.StartsWith("No column is mapped", StringComparison.Ordinal)).ToList();

        static IEnumerable<string> ColumnsOf(FieldSource s) =>
            s.Column is { } c ? [c] : s.Template is { } t ? MappingDocument.TemplateColumns(t) : [];
    }

    /// <summary>Creates the mapping or replaces the document of the one with that name; returns an error message or null.</summary>
    public async Task<string?> SaveAsync(string name, MappingDocument document, string actor, CancellationToken ct = default)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0) return "Give the mapping a name, like the feed whose files it reads.";
        if (trimmed.Length > Limits.ImportMappingName) return $"A mapping name has at most {Limits.ImportMappingName} characters.";
        if (Problems(document) is { Count: > 0 } problems) return string.Join(" ", problems);

        await using var db = await dbs.CreateDbContextAsync(ct);
        var mapping = await db.ImportMappings.FirstOrDefaultAsync(m => m.Name == trimmed, ct);
        var before = mapping?.Document;
        if (mapping is null) db.ImportMappings.Add(mapping = new ImportMapping { Name = trimmed });
        mapping.Document = document;
        mapping.UpdatedAt = DateTimeOffset.UtcNow;
        mapping.UpdatedBy = actor;
        Audit.Record(db, actor, "ImportMapping", trimmed, before is null ? "Created" : "Updated", before, document);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return $"Someone saved a mapping called \"{trimmed}\" at the same moment; save again to replace it.";
        }
        return null;
    }

    public async Task<bool> DeleteAsync(string name, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var trimmed = name.Trim();
        var mapping = await db.ImportMappings.FirstOrDefaultAsync(m => m.Name == trimmed, ct);
        if (mapping is null) return false;
        db.ImportMappings.Remove(mapping);
        Audit.Record(db, actor, "ImportMapping", trimmed, "Deleted", mapping.Document, null);
        await db.SaveChangesAsync(ct);
        return true;
    }
}
