using Npgsql;

namespace CourseMatch.Data;

/// <summary>
/// Enums cross the SQL boundary as their member names (the EF convention in <see cref="CourseMatchDb"/> stores them
/// so). Hand-written SQL reads them back here and writes literals with <c>nameof</c>, so renaming a member either
/// breaks the build or is caught by the mapping test, never silently changes a query.
/// </summary>
public static class DbEnum
{
    /// <summary>Reads a column written by EF's enum-to-name converter.</summary>
    public static T GetEnum<T>(this NpgsqlDataReader reader, int ordinal) where T : struct, Enum =>
        Enum.TryParse<T>(reader.GetString(ordinal), ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw new InvalidDataException($"Column {reader.GetName(ordinal)} holds '{reader.GetString(ordinal)}', which is not a {typeof(T).Name}.");
}
