namespace CourseMatch.Advising;

/// <summary>What PostgreSQL cannot store in text (a NUL character), caught before it becomes a database error.</summary>
public static class InputText
{
    public const string NulMessage = "This contains a character that cannot be stored (a NUL byte); remove it and try again.";

    public static bool HasNul(string? s) => s?.Contains('\0', StringComparison.Ordinal) == true;

    /// <summary>Search text with control characters turned into spaces, as the catalog search does.</summary>
    public static string? WithoutControlCharacters(string? s) =>
        s is null || !s.Any(char.IsControl) ? s : new string([.. s.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
}
