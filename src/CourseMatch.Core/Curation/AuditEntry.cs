using System.Text.Json;
using CourseMatch.Data;

namespace CourseMatch.Curation;

/// <summary>One write to the catalog or the model registry: who, when, what, and the record before and after.</summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>The signed-in user's email, or "cli:{os user}" for the command line.</summary>
    public required string Actor { get; set; }
    /// <summary>Course, Provider, Skill, TargetRole, Import, ModelVersion, ImportMapping, User.</summary>
    public required string Entity { get; set; }
    public required string EntityId { get; set; }
    /// <summary>Created, Updated, Published, Unpublished, Archived, Duplicated, Merged, Moved, AliasAdded, AliasRemoved, Imported, Promoted, RolledBack, Deleted.</summary>
    public required string Action { get; set; }
    public string? Summary { get; set; }
    /// <summary>JSON of the record before the write (null for a create).</summary>
    public string? Before { get; set; }
    /// <summary>JSON of the record after the write (null for a delete).</summary>
    public string? After { get; set; }
}

public static class Audit
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds the entry to the context, so it is saved in the same SaveChanges (and transaction) as the write it describes.</summary>
    public static AuditEntry Record(CourseMatchDb db, string actor, string entity, object id, string action, object? before, object? after, string? summary = null)
    {
        var entry = new AuditEntry
        {
            Actor = actor, Entity = entity, EntityId = Convert.ToString(id, System.Globalization.CultureInfo.InvariantCulture)!, Action = action, Summary = summary,
            Before = before is null ? null : before as string ?? JsonSerializer.Serialize(before, Json),
            After = after is null ? null : after as string ?? JsonSerializer.Serialize(after, Json),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>The actor name for command-line writes.</summary>
    public static string CliActor => $"cli:{Environment.UserName}";
}
