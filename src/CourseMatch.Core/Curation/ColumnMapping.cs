using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Curation;

/// <summary>Which header of an upload feeds which of our fields (<see cref="CourseRecord.Fields"/>): our field → the file's header.</summary>
public static class ColumnMapping
{
    /// <summary>"Duration Weeks", "duration_weeks" and "durationWeeks" all name the same field.</summary>
    public static string Normalise(string name) =>
        new string(name.Where(ch => !char.IsWhiteSpace(ch) && ch is not '_' and not '-').ToArray()).ToLowerInvariant();

    /// <summary>Each field mapped to the header with the same name (ignoring case, spaces, underscores and hyphens).</summary>
    public static Dictionary<string, string> Default(IEnumerable<string> headers)
    {
        var byName = new Dictionary<string, string>();
        foreach (var h in headers) byName.TryAdd(Normalise(h), h);
        var mapping = new Dictionary<string, string>();
        foreach (var field in CourseRecord.Fields)
            if (byName.TryGetValue(Normalise(field), out var header)) mapping[field] = header;
        return mapping;
    }

    /// <summary>A saved mapping applied to a file: only entries whose header the file has; the rest fall back to the default.</summary>
    public static Dictionary<string, string> FromSaved(IReadOnlyDictionary<string, string> saved, IReadOnlyList<string> headers)
    {
        var mapping = Default(headers);
        var present = new HashSet<string>(headers, StringComparer.Ordinal);
        foreach (var (field, header) in saved)
            if (CourseRecord.Fields.Contains(field) && present.Contains(header)) mapping[field] = header;
        return mapping;
    }

    /// <summary>Required fields with no column, and mapped columns the file does not have, as file-level messages.</summary>
    public static List<string> Problems(IReadOnlyDictionary<string, string> mapping, IReadOnlyList<string> headers)
    {
        var problems = new List<string>();
        var missing = CourseRecord.RequiredFields.Where(f => !mapping.TryGetValue(f, out var h) || string.IsNullOrWhiteSpace(h)).ToList();
        if (missing.Count > 0)
            problems.Add($"No column is mapped to the required field{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}; choose the file's column for {(missing.Count > 1 ? "each" : "it")}.");
        var present = new HashSet<string>(headers, StringComparer.Ordinal);
        foreach (var (field, header) in mapping)
        {
            if (!CourseRecord.Fields.Contains(field)) problems.Add($"\"{field}\" is not one of our fields ({string.Join(", ", CourseRecord.Fields)}).");
            else if (!string.IsNullOrWhiteSpace(header) && !present.Contains(header)) problems.Add($"{field}: the file has no column \"{header}\".");
        }
        return problems;
    }

    /// <summary>The row's cells under our field names.</summary>
    public static CourseRecord Apply(ImportRow row, IReadOnlyDictionary<string, string> mapping)
    {
        var fields = new Dictionary<string, string?>();
        foreach (var (field, header) in mapping)
            if (!string.IsNullOrWhiteSpace(header) && row.Cells.TryGetValue(header, out var value)) fields[field] = value;
        return CourseRecord.FromFields(fields);
    }
}

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

    /// <summary>Creates the mapping or replaces the columns of the one with that name; returns an error message or null.</summary>
    public async Task<string?> SaveAsync(string name, IReadOnlyDictionary<string, string> columns, string actor, CancellationToken ct = default)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0) return "Give the mapping a name, like the provider whose files it reads.";
        if (trimmed.Length > Limits.ImportMappingName) return $"A mapping name has at most {Limits.ImportMappingName} characters.";
        var unknown = columns.Keys.Where(k => !CourseRecord.Fields.Contains(k)).ToList();
        if (unknown.Count > 0) return $"Not our fields: {string.Join(", ", unknown)}.";
        var kept = columns.Where(kv => !string.IsNullOrWhiteSpace(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value.Trim());

        await using var db = await dbs.CreateDbContextAsync(ct);
        var mapping = await db.ImportMappings.FirstOrDefaultAsync(m => m.Name == trimmed, ct);
        var before = mapping?.Document;
        if (mapping is null) db.ImportMappings.Add(mapping = new ImportMapping { Name = trimmed });
        mapping.Document = new MappingDocument { Fields = kept.ToDictionary(kv => kv.Key, kv => FieldSource.FromColumn(kv.Value)) };
        mapping.UpdatedAt = DateTimeOffset.UtcNow;
        mapping.UpdatedBy = actor;
        Audit.Record(db, actor, "ImportMapping", trimmed, before is null ? "Created" : "Updated", before, mapping.Document);
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
