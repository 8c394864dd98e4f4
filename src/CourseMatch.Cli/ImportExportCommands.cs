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
        var file = new Argument<FileInfo>("FILE") { Description = "A CSV file (header row first) or a JSON list of courses." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check every row and print what would happen; write nothing." };
        var mappingName = new Option<string?>("--mapping") { Description = "The name of a saved column mapping (saved on the admin import page)." };
        var command = new Command("import", "Import courses from CSV or JSON: one transaction, all rows or none. Exits 2 when any row is bad.") { file, dryRun, mappingName };
        command.SetAction((parse, ct) => withDatabase(async db =>
        {
            var info = parse.GetValue(file)!;
            if (!info.Exists) { Console.Error.WriteLine($"FILE: {info.FullName} does not exist."); return 2; }
            ImportFile upload;
            await using (var stream = info.OpenRead()) upload = await ImportFile.ReadAsync(stream, info.Name, ct);
            if (upload.Error is not null) { Console.Error.WriteLine($"{info.Name}: {upload.Error}"); return 2; }

            await using var services = CourseMatchServices.BuildCore(db);
            var import = services.GetRequiredService<CatalogImport>();
            var (mapping, mappingError) = await import.MappingAsync(upload, parse.GetValue(mappingName), ct);
            if (mapping is null) { Console.Error.WriteLine($"--mapping: {mappingError}"); return 2; }

            using var bar = new ProgressBar(upload.Rows.Count >= ProgressBarFrom && !Console.IsErrorRedirected);
            var report = parse.GetValue(dryRun)
                ? await import.CheckAsync(upload, mapping, bar, ct)
                : await import.CommitAsync(upload, mapping, Audit.CliActor, bar, ct);
            bar.Dispose();

            if (report.FileError is not null) { Console.Error.WriteLine($"{info.Name}: {report.FileError}"); return 2; }
            foreach (var bad in report.BadRows) Console.Error.WriteLine(bad);
            Console.WriteLine($"{(parse.GetValue(dryRun) ? "Dry run: " : "")}{report.Summary}");
            if (report.Note is not null) Console.Error.WriteLine(report.Note);
            return report.Ok ? 0 : 2;
        }));
        return command;
    }

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
