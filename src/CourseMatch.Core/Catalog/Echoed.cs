namespace CourseMatch.Catalog;

/// <summary>
/// How a value the user sent is quoted back in a message: cut to <see cref="Max"/> characters, so a long or hostile
/// value cannot fill the answer. Every message that quotes input (Core's checks and the API's problems) cuts it here.
/// </summary>
public static class Echoed
{
    public const int Max = 40;

    public static string Short(string? value, int max = Max) => value is null ? "" : value.Length <= max ? value : value[..max] + "…";
}
