using System.Text.Json;
using System.Text.Json.Serialization;

namespace CourseMatch.Learners;

/// <summary>
/// The body of POST /api/recommendations (and the CLI's --profile file), read by System.Text.Json with
/// <see cref="JsonOptions"/>. Every member is optional: what is missing keeps <see cref="ProfileInput"/>'s default,
/// and <see cref="ProfileInput.Validate"/> still judges the values.
/// </summary>
public sealed record ProfileRequest
{
    public Dictionary<string, int>? Skills { get; init; }
    public string? Goal { get; init; }
    public BudgetRequest? Budget { get; init; }
    public string? Format { get; init; }
    public LocationRequest? Location { get; init; }
    public int? HoursPerWeek { get; init; }
    public int? StartWithinWeeks { get; init; }
    public string? Pacing { get; init; }
    public string? Language { get; init; }
    public bool? WantsCertificate { get; init; }
    /// <summary>Where the learner wants to get: <c>{"role": "data-scientist"}</c>, <c>{"levels": {"calculus": 3, "discrete-math": null}}</c>, or both.</summary>
    public TargetRequest? Target { get; init; }
    /// <summary>Finished skills checks whose levels the answers use: <c>{"linear-algebra": "check token"}</c>.</summary>
    public Dictionary<string, string>? Checks { get; init; }

    public sealed record TargetRequest(string? Role, Dictionary<string, int?>? Levels);

    public sealed record BudgetRequest(decimal? Amount, string? Currency, bool? Strict);

    public sealed record LocationRequest(string? City, string? Country, int? RadiusKm);

    /// <summary>The web defaults (camelCase, case-insensitive) with enums as kebab-case text; the API and the CLI share them.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Adds what the API's JSON needs to options the host owns (ConfigureHttpJsonOptions).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        if (!options.Converters.Any(c => c is JsonStringEnumConverter))
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }

    public ProfileInput ToInput()
    {
        var input = new ProfileInput();
        if (Skills is not null) foreach (var (skill, level) in Skills) input.Skills[skill] = level;
        input.Goal = Goal;
        if (Budget is not null)
        {
            input.BudgetAmount = Budget.Amount;
            input.BudgetCurrency = Budget.Currency?.ToUpperInvariant() ?? input.BudgetCurrency;
            input.BudgetStrict = Budget.Strict ?? false;
        }
        input.Format = Format ?? input.Format;
        if (Location is not null)
        {
            input.City = Location.City;
            input.Country = Location.Country?.ToUpperInvariant();
            input.RadiusKm = Location.RadiusKm ?? input.RadiusKm;
        }
        input.HoursPerWeek = HoursPerWeek ?? input.HoursPerWeek;
        input.StartWithinWeeks = StartWithinWeeks ?? input.StartWithinWeeks;
        input.Pacing = Pacing ?? input.Pacing;
        input.Language = Language?.ToLowerInvariant() ?? input.Language;
        input.WantsCertificate = WantsCertificate ?? false;
        input.TargetRole = string.IsNullOrWhiteSpace(Target?.Role) ? null : Target.Role.Trim().ToLowerInvariant();
        input.TargetLevels = Target?.Levels;
        input.Checks = Checks;
        return input;
    }

    /// <summary>
    /// The field a <see cref="JsonException"/> is about and what it should have been, so a wrong type is reported
    /// against its field ("hoursPerWeek must be a whole number.") instead of failing the whole document.
    /// </summary>
    public static (string Field, string Message) Explain(JsonException e)
    {
        // A syntax error (the reader's own exception inside) is about the document, wherever it happened.
        if (e.InnerException?.GetType().Name == "JsonReaderException" || e.Path is null)
            return ("$", $"The body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).");
        var field = FieldOf(e.Path);
        var named = field.Length <= 60 ? field : field[..60] + "…";
        var message = field switch
        {
            "$" => "Send a JSON object with the learner's answers.",
            "skills" => "skills must be an object of skill → level (0–4).",
            _ when field.StartsWith("skills.", StringComparison.Ordinal) => $"{named} must be a whole number from 0 to 4.",
            "budget" => "budget must be an object with amount, currency and strict.",
            "target" => "target must be an object with role and/or levels.",
            "target.role" => "target.role must be text, the slug of a role.",
            "target.levels" => "target.levels must be an object of skill → target level (0–4, or null for not interested).",
            _ when field.StartsWith("target.levels.", StringComparison.Ordinal) => $"{named} must be a whole number from 0 to 4, or null for not interested.",
            "location" => "location must be an object with city, country and radiusKm.",
            "budget.amount" => "budget.amount must be a number.",
            "hoursPerWeek" or "startWithinWeeks" or "location.radiusKm" => $"{named} must be a whole number.",
            "budget.strict" or "wantsCertificate" => $"{named} must be true or false.",
            _ => $"{named} must be text.",
        };
        return (field, message);
    }

    /// <summary>Reads a profile file or body: the answers, or the problems keyed by field.</summary>
    public static (ProfileInput? Input, Dictionary<string, string[]> Errors) Read(string json)
    {
        try
        {
            var request = JsonSerializer.Deserialize<ProfileRequest>(json, JsonOptions);
            return FromRequest(request);
        }
        catch (JsonException e)
        {
            var (field, message) = Explain(e);
            return (null, new() { [field] = [message] });
        }
    }

    /// <summary>
    /// The answers of a deserialized request; a JSON <c>null</c> is not a profile. Their values are checked once, by
    /// <see cref="Recommendations.RecommendationService.RecommendAsync"/>, against the taxonomy it reads anyway.
    /// </summary>
    public static (ProfileInput? Input, Dictionary<string, string[]> Errors) FromRequest(ProfileRequest? request) =>
        request is null ? (null, new() { ["$"] = ["Send a JSON object with the learner's answers."] }) : (request.ToInput(), []);

    /// <summary>"$.budget.amount" → "budget.amount"; "$.skills['a b']" → "skills.a b"; "$" or nothing → "$".</summary>
    public static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "$";
        var parts = new List<string>();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                parts.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) { parts.Add(path[(i + 2)..]); break; }
                parts.Add(path[(i + 2)..end].Replace("\\'", "'"));
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0) break;
                parts.Add(path[(i + 1)..end]);
                i = end + 1;
            }
            else i++;
        }
        return parts.Count == 0 ? "$" : string.Join('.', parts);
    }
}
