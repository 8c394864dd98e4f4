using System.CommandLine;
using CourseMatch.Curation;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CourseMatch.Cli;

/// <summary>`coursematch mappings list | show NAME | save NAME FILE.json | delete NAME`: mappings kept as JSON documents.</summary>
internal static class MappingCommands
{
    /// <summary>Mapping documents are small; anything larger is not one.</summary>
    private const long MaxBytes = 1024 * 1024;

    public static async Task<(MappingDocument? Document, string? Error)> ReadDocumentAsync(FileInfo file, CancellationToken ct)
    {
        if (!file.Exists) return (null, $"{file.FullName} does not exist.");
        if (file.Length > MaxBytes) return (null, $"{file.Name} is larger than 1 MB; a mapping document is a small JSON file.");
        var (document, error) = MappingDocument.Parse(await File.ReadAllTextAsync(file.FullName, ct));
        if (document is null) return (null, $"{file.Name}: {error}");
        return ImportMappings.Problems(document) is { Count: > 0 } problems ? (null, $"{file.Name}: {string.Join(" ", problems)}") : (document, null);
    }

    public static Command Create(Func<Func<NpgsqlDataSource, Task<int>>, Task<int>> withDatabase)
    {
        var list = new Command("list", "List the saved mappings: name, feed, fields, last saved.");
        list.SetAction((_, ct) => withDatabase(async db =>
        {
            await using var services = CourseMatchServices.BuildCore(db);
            var all = await services.GetRequiredService<ImportMappings>().ListAsync(ct);
            if (all.Count == 0) { Console.Error.WriteLine("No mappings are saved yet: coursematch mappings save NAME FILE.json"); return 0; }
            foreach (var m in all)
                Console.WriteLine($"{m.Name}\tfeed: {m.Document.Feed ?? "(the catalog's own file)"}\t{m.Document.Fields.Count} fields\tsaved {m.UpdatedAt:yyyy-MM-dd HH:mm} by {m.UpdatedBy}");
            return 0;
        }));

        var showName = new Argument<string>("NAME");
        var show = new Command("show", "Print a saved mapping as the JSON document `save` reads.") { showName };
        show.SetAction((parse, ct) => withDatabase(async db =>
        {
            await using var services = CourseMatchServices.BuildCore(db);
            var (document, error) = await services.GetRequiredService<ImportMappings>().DocumentAsync(parse.GetValue(showName)!, ct);
            if (document is null) { Console.Error.WriteLine($"NAME: {error}"); return 2; }
            Console.WriteLine(MappingDocument.ToJson(document));
            return 0;
        }));

        var saveName = new Argument<string>("NAME");
        var saveFile = new Argument<FileInfo>("FILE") { Description = "The mapping document: { \"feed\": …, \"fields\": { … } }." };
        var save = new Command("save", "Save a mapping document under a name (replacing one of that name).") { saveName, saveFile };
        save.SetAction((parse, ct) => withDatabase(async db =>
        {
            var (document, error) = await ReadDocumentAsync(parse.GetValue(saveFile)!, ct);
            if (document is null) { Console.Error.WriteLine($"FILE: {error}"); return 2; }
            await using var services = CourseMatchServices.BuildCore(db);
            var name = parse.GetValue(saveName)!;
            if (await services.GetRequiredService<ImportMappings>().SaveAsync(name, document, Audit.CliActor, ct) is { } refused)
            {
                Console.Error.WriteLine($"NAME: {refused}");
                return 2;
            }
            Console.WriteLine($"Saved mapping \"{name.Trim()}\".");
            return 0;
        }));

        var deleteName = new Argument<string>("NAME");
        var delete = new Command("delete", "Delete a saved mapping.") { deleteName };
        delete.SetAction((parse, ct) => withDatabase(async db =>
        {
            await using var services = CourseMatchServices.BuildCore(db);
            var name = parse.GetValue(deleteName)!;
            if (!await services.GetRequiredService<ImportMappings>().DeleteAsync(name, Audit.CliActor, ct))
            {
                Console.Error.WriteLine($"NAME: there is no saved mapping called \"{name.Trim()}\".");
                return 2;
            }
            Console.WriteLine($"Deleted mapping \"{name.Trim()}\".");
            return 0;
        }));

        return new Command("mappings", "Saved import mappings, as JSON documents to keep in version control.") { list, show, save, delete };
    }
}
