using System.CommandLine;
using CourseMatch.Curation;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CourseMatch.Cli;

/// <summary>`coursematch import FILE` and `coursematch export`: the catalog in and out as CSV or JSON.</summary>
internal static class ImportExportCommands
{
    /// <summary>Below this many rows no progress bar is drawn: the import is over before it would be read.</summary>
    private const int ProgressBarFrom = 2000;

    public static Command Import(Func<Func<NpgsqlDataSource, Task<int>>, Task<int>> withDatabase)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A CSV file (comma, semicolon or tab separated; header row first) or a JSON list of courses." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check every row and print what would happen; write nothing." };
        var mappingName = new Option<string?>("--mapping") { Description = "The name of a saved mapping (coursematch mappings list)." };
        var mappingFile = new Option<FileInfo?>("--mapping-file") { Description = "A mapping document (JSON) to use instead of a saved one." };
        var createProviders = new Option<bool>("--create-providers") { Description = "Create the providers the catalog does not have, in the same transaction." };
        var skipBad = new Option<bool>("--skip-bad") { Description = "Import the good rows and refuse the bad ones (default: all rows or none)." };
        var rejects = new Option<FileInfo?>("--rejects") { Description = "With --skip-bad: write the refused rows here (CSV: line, field, value, reason, then the row), to fix and import again." };
        var onDuplicate = new Option<DuplicateChoice>("--on-duplicate") { Description = "What to do with possible duplicates of courses from other feeds or made by hand: leave (default), link, overwrite or create.", DefaultValueFactory = _ => DuplicateChoice.Leave };
        var reportFile = new Option<FileInfo?>("--report") { Description = "Write what each row does (action, changes old → new, kept edits, duplicates, problems) to this CSV file." };
        var command = new Command("import", "Import courses from CSV or JSON in one transaction: all rows or none, unless --skip-bad. Exits 2 when the file or any row is bad.")
            { file, dryRun, mappingName, mappingFile, createProviders, skipBad, rejects, onDuplicate, reportFile };
        command.SetAction((parse, ct) => withDatabase(async db =>
        {
            var info = parse.GetValue(file)!;
            if (!info.Exists) { Console.Error.WriteLine($"FILE: {info.FullName} does not exist."); return 2; }
            if (parse.GetValue(mappingName) is not null && parse.GetValue(mappingFile) is not null) { Console.Error.WriteLine("--mapping and --mapping-file: give one of them."); return 2; }
            if (parse.GetValue(rejects) is not null && !parse.GetValue(skipBad)) { Console.Error.WriteLine("--rejects: only with --skip-bad (without it, a bad row stops the whole import)."); return 2; }
            ImportFile upload;
            await using (var stream = info.OpenRead()) upload = await ImportFile.ReadAsync(stream, info.Name, ct);
            if (upload.Error is not null) { Console.Error.WriteLine($"{info.Name}: {upload.Error}"); return 2; }

            await using var services = CourseMatchServices.BuildCore(db);
            MappingDocument? mapping = null;
            if (parse.GetValue(mappingName) is { } name)
            {
                (mapping, var error) = await services.GetRequiredService<ImportMappings>().DocumentAsync(name, ct);
                if (mapping is null) { Console.Error.WriteLine($"--mapping: {error}"); return 2; }
            }
            else if (parse.GetValue(mappingFile) is { } mappingInfo)
            {
                (mapping, var error) = await MappingCommands.ReadDocumentAsync(mappingInfo, ct);
                if (mapping is null) { Console.Error.WriteLine($"--mapping-file: {error}"); return 2; }
            }

            var request = new ImportRequest
            {
                Mapping = mapping, CreateProviders = parse.GetValue(createProviders), SkipBad = parse.GetValue(skipBad),
                OnDuplicate = parse.GetValue(onDuplicate),
            };
            var import = services.GetRequiredService<CatalogImport>();
            using var bar = new ProgressBar(upload.Rows.Count >= ProgressBarFrom && !Console.IsErrorRedirected);
            var report = parse.GetValue(dryRun)
                ? await import.CheckAsync(upload, request, bar, ct)
                : await import.CommitAsync(upload, request, Audit.CliActor, bar, ct);
            bar.Dispose();

            if (report.FileError is not null) { Console.Error.WriteLine($"{info.Name}: {report.FileError}"); return 2; }
            foreach (var bad in report.BadRows.Take(MaxPrinted)) Console.Error.WriteLine(bad);
            if (report.BadRows.Count > MaxPrinted) Console.Error.WriteLine($"… and {report.BadRows.Count - MaxPrinted:#,0} more problems (see --report).");
            foreach (var p in report.NewProviders.Take(MaxPrinted))
                Console.Error.WriteLine($"new provider: \"{p.Name}\" ({p.Rows:#,0} row{(p.Rows == 1 ? "" : "s")})" + (p.Nearest.Count > 0 ? $" ~ {string.Join(", ", p.Nearest.Select(n => $"\"{n}\""))}" : ""));
            foreach (var d in report.Outcomes.Where(o => o.Action == RowAction.PossibleDuplicate).Take(MaxPrinted))
                Console.Error.WriteLine($"line {d.Line}: possible duplicate of \"{d.DuplicateOf}\" (same {d.DuplicateBy}); left alone.");
            Console.WriteLine($"{(parse.GetValue(dryRun) ? "Dry run: " : "")}{report.Summary}");
            if (report.Note is not null) Console.Error.WriteLine(report.Note);

            if (parse.GetValue(reportFile) is { } reportInfo)
            {
                await using var output = File.Create(reportInfo.FullName);
                await report.WriteReportAsync(output, ct);
                Console.Error.WriteLine($"Report written to {reportInfo.FullName}.");
            }
            if (parse.GetValue(rejects) is { } rejectInfo && report.BadRows.Count > 0)
            {
                await using var output = File.Create(rejectInfo.FullName);
                await ImportReport.WriteRejectsAsync(upload, report.BadRows, output, ct);
                Console.Error.WriteLine($"{report.BadRowCount:#,0} refused row{(report.BadRowCount == 1 ? "" : "s")} written to {rejectInfo.FullName}.");
            }
            return report.Ok && report.BadRows.Count == 0 ? 0 : report.Ok && report.Committed ? 0 : 2;
        }));
        return command;
    }

    /// <summary>How many problems, new providers and duplicates are printed before "and N more".</summary>
    private const int MaxPrinted = 50;

    public static Command Export(Func<Func<NpgsqlDataSource, Task<int>>, Task<int>> withDatabase)
    {
        var format = new Option<string>("--format") { Description = "csv (the default) or json.", DefaultValueFactory = _ => "csv" };
        var output = new Option<FileInfo?>("--output") { Description = "Write to this file instead of standard output." };
        var publishedOnly = new Option<bool>("--published-only") { Description = "Only published courses (what the public catalog shows)." };
        var command = new Command("export", "Export the catalog as CSV or JSON, in the form import reads back.") { format, output, publishedOnly };
        command.SetAction((parse, ct) =>
        {
            if (!CatalogExport.TryParseFormat(parse.GetValue(format), out var kind))
            {
                Console.Error.WriteLine($"--format: \"{parse.GetValue(format)}\" is not csv or json.");
                return Task.FromResult(2);
            }
            return withDatabase(async db =>
            {
                var target = parse.GetValue(output);
                // Written to a temporary file first, so a failed export never leaves half a file under the real name.
                var temp = target is null ? null : Path.Combine(target.DirectoryName ?? ".", $".{target.Name}.{Guid.NewGuid():N}.tmp");
                await using var services = CourseMatchServices.BuildCore(db);
                var export = services.GetRequiredService<CatalogExport>();
                try
                {
                    await using (var stream = temp is null ? Console.OpenStandardOutput() : File.Create(temp))
                        await export.WriteAsync(stream, kind, parse.GetValue(publishedOnly), ct);
                    if (temp is not null)
                    {
                        File.Move(temp, target!.FullName, overwrite: true);
                        Console.Error.WriteLine($"Exported to {target.FullName}.");
                    }
                    return 0;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"--output: {e.Message}");
                    return 2;
                }
                finally
                {
                    if (temp is not null && File.Exists(temp)) File.Delete(temp);
                }
            });
        });
        return command;
    }

    /// <summary>A one-line bar on stderr, redrawn at most a few times a second.</summary>
    private sealed class ProgressBar(bool enabled) : IProgress<ImportProgress>, IDisposable
    {
        private readonly object gate = new();
        private DateTime last = DateTime.MinValue;
        private bool drawn;

        public void Report(ImportProgress p)
        {
            if (!enabled) return;
            lock (gate)
            {
                var now = DateTime.UtcNow;
                if (now - last < TimeSpan.FromMilliseconds(200) && p.Done < p.Total) return;
                last = now;
                var share = p.Total == 0 ? 1 : Math.Clamp((double)p.Done / p.Total, 0, 1);
                var filled = (int)Math.Round(share * 30);
                Console.Error.Write($"\r{p.Phase,-22} [{new string('#', filled)}{new string('.', 30 - filled)}] {p.Done:#,0}/{p.Total:#,0}   ");
                drawn = true;
            }
        }

        public void Dispose()
        {
            lock (gate)
            {
                if (drawn) Console.Error.WriteLine();
                drawn = false;
            }
        }
    }
}
