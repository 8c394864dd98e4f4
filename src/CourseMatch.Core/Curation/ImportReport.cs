using CsvHelper;

namespace CourseMatch.Curation;

/// <summary>How far an import has got: <paramref name="Done"/> of <paramref name="Total"/> steps of the current phase.</summary>
public sealed record ImportProgress(int Done, int Total, string Phase);

/// <summary>One problem with one row, pointing at the physical line the row starts on (the header is line 1), with the value refused.</summary>
public sealed record BadRow(int Line, string Field, string Message, string? Value = null)
{
    public override string ToString() => $"line {Line}: {Field}: {Message}";
}

/// <summary>What an import does with a row.</summary>
public enum RowAction
{
    Create,
    Update,
    Unchanged,
    /// <summary>Matches a course of another feed or one made by hand (title and provider, or URL): left alone unless the admin chooses.</summary>
    PossibleDuplicate,
    /// <summary>A possible duplicate the admin linked: the course gains this feed; only its empty fields are filled.</summary>
    Link,
    /// <summary>A possible duplicate the admin chose to overwrite with the row (its slug stays).</summary>
    Overwrite,
    /// <summary>A byte-for-byte repeat of an earlier row: skipped.</summary>
    Repeat,
    Bad,
}

/// <summary>What the admin wants done with a possible duplicate.</summary>
public enum DuplicateChoice
{
    /// <summary>Leave the stored course alone and skip the row (the default).</summary>
    Leave,
    /// <summary>One course, several feeds: record this feed's key on the stored course and fill only its empty fields.</summary>
    Link,
    /// <summary>Write the row's fields over the stored course on purpose (its slug stays).</summary>
    Overwrite,
    /// <summary>They are different courses: create a new one.</summary>
    Create,
}

public sealed record FieldChange(string Field, string? Old, string? New);

/// <summary>A field the row would change but the import kept, because it was changed since this feed last wrote it.</summary>
/// <param name="By">"your edit", or the feed whose value it is.</param>
public sealed record KeptField(string Field, string? Stored, string? Incoming, string By);

/// <summary>What one row does, for the dry run's table and the CLI's report file.</summary>
public sealed record RowOutcome(int Line, RowAction Action, string? Slug, string? Title, string? Provider)
{
    public IReadOnlyList<FieldChange> Changes { get; init; } = [];
    public IReadOnlyList<KeptField> Kept { get; init; } = [];
    public IReadOnlyList<BadRow> Problems { get; init; } = [];
    /// <summary>For a possible duplicate (and a link or overwrite): the stored course it matches, and how.</summary>
    public string? DuplicateOf { get; init; }
    public string? DuplicateBy { get; init; }
    /// <summary>The course will have no skills, so no plan can recommend it yet.</summary>
    public bool WithoutSkills { get; init; }
    public bool Draft { get; init; }
}

/// <summary>A provider the file names that the catalog does not have, with how many rows name it and the nearest existing ones.</summary>
public sealed record NewProvider(string Name, int Rows, IReadOnlyList<string> Nearest);

/// <summary>What a dry run found, or what a commit did.</summary>
public sealed record ImportReport
{
    public required string FileName { get; init; }
    /// <summary>Why the file as a whole cannot be imported (unreadable, unmapped required fields); null otherwise.</summary>
    public string? FileError { get; init; }
    public int Rows { get; init; }
    public int Creates { get; init; }
    public int Updates { get; init; }
    public int Unchanged { get; init; }
    public int PossibleDuplicates { get; init; }
    public int Links { get; init; }
    public int Overwrites { get; init; }
    /// <summary>Byte-identical repeats of an earlier row, skipped.</summary>
    public int Repeats { get; init; }
    /// <summary>New courses that stay drafts (the mapping sets no status).</summary>
    public int Drafts { get; init; }
    /// <summary>Courses created or updated that have no skills, so no plan recommends them until their skills are known.</summary>
    public int WithoutSkills { get; init; }
    /// <summary>Fields an import kept because an admin (or another feed) changed them since this feed last wrote them.</summary>
    public int KeptEdits { get; init; }
    public IReadOnlyList<NewProvider> NewProviders { get; init; } = [];
    /// <summary>True when the new providers are created with the import (the admin asked for it).</summary>
    public bool CreatesProviders { get; init; }
    public IReadOnlyList<BadRow> BadRows { get; init; } = [];
    public IReadOnlyList<RowOutcome> Outcomes { get; init; } = [];
    /// <summary>The bad rows are refused and the good ones imported (the admin asked for it).</summary>
    public bool SkipsBad { get; init; }
    /// <summary>True once the import was written.</summary>
    public bool Committed { get; init; }
    /// <summary>Something worth knowing that did not stop the import (the search vocabulary could not be refreshed).</summary>
    public string? Note { get; init; }

    public int BadRowCount => BadRows.Select(b => b.Line).Distinct().Count();

    /// <summary>Nothing stops a commit: the file reads, and every row is good or the admin chose to skip the bad ones.</summary>
    public bool Ok => FileError is null && (BadRows.Count == 0 || SkipsBad);

    public string Summary => FileError is not null ? FileError : string.Join(" ", Sentences());

    private IEnumerable<string> Sentences()
    {
        yield return $"{Rows:#,0} row{(Rows == 1 ? "" : "s")}: {Creates:#,0} to create, {Updates:#,0} to update, {Unchanged:#,0} unchanged, {PossibleDuplicates:#,0} possible duplicate{(PossibleDuplicates == 1 ? "" : "s")} left alone, {BadRowCount:#,0} bad"
                     + (Links + Overwrites > 0 ? $", {Links:#,0} linked, {Overwrites:#,0} overwritten" : "")
                     + (Repeats > 0 ? $", {Repeats:#,0} repeated row{(Repeats == 1 ? "" : "s")} skipped" : "") + ".";
        if (NewProviders.Count > 0)
            yield return $"{NewProviders.Count:#,0} new provider{(NewProviders.Count == 1 ? "" : "s")}" + (CreatesProviders ? " will be created." : " not in the catalog.");
        if (Drafts > 0) yield return $"{Drafts:#,0} new course{(Drafts == 1 ? "" : "s")} will be draft{(Drafts == 1 ? "" : "s")}.";
        if (KeptEdits > 0) yield return $"{KeptEdits:#,0} field{(KeptEdits == 1 ? "" : "s")} kept as edited since the last import.";
        if (WithoutSkills > 0) yield return $"{WithoutSkills:#,0} course{(WithoutSkills == 1 ? "" : "s")} without skills will not be recommended until their skills are known.";
        yield return Committed ? (SkipsBad && BadRows.Count > 0 ? "Imported the good rows; the bad ones were refused." : "Imported.")
            : BadRows.Count > 0 && !SkipsBad ? "Nothing imported; fix the bad rows (or skip them) and try again." : "";
    }

    public static ImportReport Failed(string fileName, string error) => new() { FileName = fileName, FileError = error };

    /// <summary>
    /// The refused rows as they were in the file, with the reasons in four columns before them (line, field, value,
    /// reason; one line per problem), so the admin can fix them and import this file again with the same mapping.
    /// </summary>
    public static async Task WriteRejectsAsync(ImportFile file, IReadOnlyList<BadRow> bad, Stream output, CancellationToken ct = default)
    {
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.None }, true);
        csv.WriteRecord(["error_line", "error_field", "error_value", "error_reason", .. file.Headers]);
        var rows = file.Rows.ToDictionary(r => r.Line);
        foreach (var b in bad.OrderBy(b => b.Line))
        {
            csv.WriteField(b.Line.ToString(System.Globalization.CultureInfo.InvariantCulture));
            csv.WriteField(b.Field);
            csv.WriteField(CatalogExport.Neutralise(b.Value) ?? "");
            csv.WriteField(b.Message);
            var cells = rows.TryGetValue(b.Line, out var row) ? row.Cells : new Dictionary<string, string?>();
            foreach (var h in file.Headers) csv.WriteField(CatalogExport.Neutralise(cells.TryGetValue(h, out var v) ? v : null) ?? "");
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
    }

    /// <summary>The dry run, one line per row: what it does, what changes (old → new), what is kept, why it is bad.</summary>
    public async Task WriteReportAsync(Stream output, CancellationToken ct = default)
    {
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.None }, true);
        csv.WriteRecord(["line", "action", "slug", "title", "provider", "changes", "kept", "duplicate_of", "problems", "without_skills", "draft"]);
        foreach (var o in Outcomes)
        {
            csv.WriteRecord([
                o.Line.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Catalog.EnumText.ToKebab(o.Action), o.Slug ?? "", CatalogExport.Neutralise(o.Title) ?? "", CatalogExport.Neutralise(o.Provider) ?? "",
                CatalogExport.Neutralise(string.Join("; ", o.Changes.Select(c => $"{c.Field}: {c.Old ?? "(empty)"} → {c.New ?? "(empty)"}"))) ?? "",
                CatalogExport.Neutralise(string.Join("; ", o.Kept.Select(k => $"{k.Field}: kept {k.Stored ?? "(empty)"} ({k.By}), file says {k.Incoming ?? "(empty)"}"))) ?? "",
                o.DuplicateOf is null ? "" : $"{o.DuplicateOf} (same {o.DuplicateBy})",
                CatalogExport.Neutralise(string.Join("; ", o.Problems.Select(p => $"{p.Field}: {p.Message}"))) ?? "",
                o.WithoutSkills ? "yes" : "", o.Draft ? "yes" : "",
            ]);
        }
        await csv.FlushAsync(ct);
    }
}
