using System.Text.Json;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Curation;

/// <summary>A question to the audit log. Empty filters match everything; dates are whole UTC days, both inclusive.</summary>
public sealed record AuditQuery
{
    public const int DefaultPageSize = 25, MaxPageSize = 200;

    public string? Entity { get; init; }
    /// <summary>Part of the actor's name (email), any case.</summary>
    public string? Actor { get; init; }
    public string? Action { get; init; }
    public string? EntityId { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    /// <summary>Words to find in the summary, any case.</summary>
    public string? Text { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = DefaultPageSize;
}

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>Reads the audit log, newest first.</summary>
public sealed class AuditLog(IDbContextFactory<CourseMatchDb> dbs)
{
    public async Task<AuditPage> QueryAsync(AuditQuery q, CancellationToken ct = default)
    {
        var page = Math.Max(1, q.Page);
        var size = Math.Clamp(q.PageSize, 1, AuditQuery.MaxPageSize);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        if (ReferenceEdits.Trim(q.Entity) is { } entity) query = query.Where(a => a.Entity == entity);
        if (ReferenceEdits.Trim(q.Action) is { } action) query = query.Where(a => a.Action == action);
        if (ReferenceEdits.Trim(q.EntityId) is { } id) query = query.Where(a => a.EntityId == id);
        if (ReferenceEdits.Trim(q.Actor) is { } actor)
        {
            var pattern = "%" + ReferenceEdits.Like(actor) + "%";
            query = query.Where(a => EF.Functions.ILike(a.Actor, pattern, "\\"));
        }
        if (ReferenceEdits.Trim(q.Text) is { } text)
        {
            var pattern = "%" + ReferenceEdits.Like(text) + "%";
            query = query.Where(a => a.Summary != null && EF.Functions.ILike(a.Summary, pattern, "\\"));
        }
        if (q.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(a => a.At >= start);
        }
        if (q.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(a => a.At < end);
        }
        var total = await query.CountAsync(ct);
        var entries = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new(entries, total, page, size);
    }

    /// <summary>The entity kinds and actions present in the log, for the filter lists.</summary>
    public async Task<(IReadOnlyList<string> Entities, IReadOnlyList<string> Actions)> ChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var entities = await db.AuditEntries.Select(a => a.Entity).Distinct().OrderBy(e => e).ToListAsync(ct);
        var actions = await db.AuditEntries.Select(a => a.Action).Distinct().OrderBy(e => e).ToListAsync(ct);
        return (entities, actions);
    }
}

/// <summary>One top-level property of an audited record, before and after, as text.</summary>
public sealed record AuditChange(string Property, string? Before, string? After)
{
    public bool Changed => Before != After;
}

/// <summary>A simple top-level diff of an entry's before/after JSON, so a reader sees at a glance what a write changed.</summary>
public static class AuditDiff
{
    // Shown as text (Blazor escapes it), so readable characters need no \u escapes.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Every top-level property in either document, in order of first appearance, with its value as JSON text (strings
    /// unquoted). A side that is absent (a create or a delete) or not an object shows as a single "value" property.
    /// </summary>
    public static IReadOnlyList<AuditChange> Compare(string? before, string? after)
    {
        var a = Properties(before);
        var b = Properties(after);
        var names = a.Keys.Concat(b.Keys).Distinct().ToList();
        return [.. names.Select(n => new AuditChange(n, a.GetValueOrDefault(n), b.GetValueOrDefault(n)))];
    }

    private static Dictionary<string, string?> Properties(string? json)
    {
        var result = new Dictionary<string, string?>();
        if (string.IsNullOrWhiteSpace(json)) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) { result["value"] = Text(doc.RootElement); return result; }
            foreach (var p in doc.RootElement.EnumerateObject()) result[p.Name] = Text(p.Value);
        }
        catch (JsonException)
        {
            result["value"] = json;
        }
        return result;
    }

    private static string? Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Object or JsonValueKind.Array => JsonSerializer.Serialize(e, Indented),
        _ => e.GetRawText(),
    };
}
