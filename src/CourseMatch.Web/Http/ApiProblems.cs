using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CourseMatch.Web.Http;

/// <summary>
/// RFC 7807 answers for the API. Everything echoed from the request is cut short, and the list of field errors is
/// capped, so hostile input cannot make the answer large; System.Text.Json's default encoder escapes the rest
/// (&lt; becomes \u003C).
/// </summary>
public static partial class ApiProblems
{
    public const int MaxErrors = 20;
    public const int MaxEcho = CourseMatch.Catalog.Echoed.Max;
    private const int MaxMessage = 300;

    /// <summary>A 400 naming each bad field; past <see cref="MaxErrors"/> entries the rest are only counted ("moreErrors").</summary>
    public static ValidationProblem Validation(IReadOnlyDictionary<string, string[]> errors, string? title = null)
    {
        var kept = new Dictionary<string, string[]>();
        var keep = errors.Count > MaxErrors ? MaxErrors - 1 : MaxErrors;
        foreach (var (field, messages) in errors)
        {
            if (kept.Count == keep) break;
            var key = field == "$" ? field : Echo(field, 60);
            kept[key] = kept.TryGetValue(key, out var had) ? [.. had, .. messages.Select(Message)] : [.. messages.Take(5).Select(Message)];
        }
        var more = errors.Count - kept.Count;
        if (more <= 0) return TypedResults.ValidationProblem(kept, title: title);
        kept["$"] = [.. kept.GetValueOrDefault("$", []), $"{more:#,0} more problems were left out; fix these and send again."];
        return TypedResults.ValidationProblem(kept, title: title, extensions: new Dictionary<string, object?> { ["moreErrors"] = more });
    }

    public static ValidationProblem Validation(string field, string message, string? title = null) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] }, title);

    public static ProblemHttpResult Status(int statusCode, string title, string? detail = null) =>
        TypedResults.Problem(statusCode: statusCode, title: title, detail: detail is null ? null : Message(detail));

    /// <summary>A value from the request, short enough to quote back.</summary>
    public static string Echo(string? value, int max = MaxEcho) => CourseMatch.Catalog.Echoed.Short(value, max);

    /// <summary>Messages quote input between single quotes; a long quote is cut, and so is a long message.</summary>
    private static string Message(string message)
    {
        var shortened = Quoted().Replace(message, m => "'" + Echo(m.Groups[1].Value) + "'");
        return Echo(shortened, MaxMessage);
    }

    [GeneratedRegex("'([^']{41,})'")]
    private static partial Regex Quoted();
}
