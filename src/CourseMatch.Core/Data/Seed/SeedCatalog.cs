using System.Text.Json;
using System.Text.Json.Serialization;

namespace CourseMatch.Data.Seed;

/// <summary>The shape of Data/Seed/catalog.json: the demo catalog, each fact with its source and as-of date.</summary>
public sealed record SeedCatalog(List<SeedProvider> Providers, List<SeedSkill> Skills, List<SeedCourse> Courses)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public static SeedCatalog LoadEmbedded()
    {
        using var stream = typeof(SeedCatalog).Assembly.GetManifestResourceStream("CourseMatch.Seed.catalog.json")
            ?? throw new InvalidOperationException("The seed catalog is not embedded in CourseMatch.Core.");
        return JsonSerializer.Deserialize<SeedCatalog>(stream, JsonOptions)!;
    }
}

public sealed record SeedProvider(string Slug, string Name, string Kind, string? Website, string? Country);

public sealed record SeedSkill(string Slug, string Name, string Category, List<string> Levels);

public sealed record SeedCourse
{
    // The names a seed file must give, then the values it may leave to their defaults, then the optional facts.
    public required string Slug { get; init; }
    public required string Title { get; init; }
    public required string Provider { get; init; }

    public string Kind { get; init; } = "course";
    public string Level { get; init; } = "all";
    public string Language { get; init; } = "en";
    public string Format { get; init; } = "online";
    public string Pacing { get; init; } = "self-paced";

    public string? Summary { get; init; }
    public string? Description { get; init; }
    public string? Url { get; init; }

    public string? City { get; init; }
    public string? Region { get; init; }
    public string? Country { get; init; }

    public int? DurationWeeks { get; init; }
    public decimal? HoursPerWeek { get; init; }
    public decimal? TotalHours { get; init; }

    public decimal? Price { get; init; }
    public string? Currency { get; init; }
    public bool? FreeToAudit { get; init; }

    public bool? Certificate { get; init; }
    public decimal? Rating { get; init; }
    public int? RatingCount { get; init; }

    public string? Source { get; init; }
    public DateOnly? AsOf { get; init; }

    public List<SeedSession> Sessions { get; init; } = [];
    public Dictionary<string, int> Skills { get; init; } = [];
    public Dictionary<string, int> Prerequisites { get; init; } = [];
    public List<string> PrerequisiteCourses { get; init; } = [];
}

public sealed record SeedSession(DateOnly Start, DateOnly? End);
