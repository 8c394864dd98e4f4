using System.CommandLine;
using System.Text.Json;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CourseMatch.Cli;

/// <summary>
/// `coursematch providers …`: list providers, add one, and keep the other names imports know them by. Writes go through
/// <see cref="ProviderEditor"/>, so the admin page's rules and audit apply here too.
/// </summary>
internal static class ProvidersCommand
{
    public static Command Create(Func<Func<NpgsqlDataSource, Task<int>>, Task<int>> withDatabase) =>
        new("providers", "List and add providers, and the other names (aliases) imports find them by.") { List(withDatabase), Add(withDatabase), Alias(withDatabase) };

    private static Command List(Func<Func<NpgsqlDataSource, Task<int>>, Task<int>> withDatabase)
    {
        var json = new Option<bool>("--json") { Description = "Write a JSON list (slug, name, kind, website, country, courses, aliases) instead of a table." };
        var command = new Command("list", "List every provider: slug, name, kind, course count and aliases.") { json };
        command.SetAction((parse, ct) => withDatabase(async db =>
        {
            await using var services = CourseMatchServices.BuildCore(db);
            var editor = services.GetRequiredService<ProviderEditor>();
            var rows = new List<ProviderRow>();
            for (var page = 1; ; page++)
            {
                var list = await editor.ListAsync(null, page, 200, ct);
                rows.AddRange(list.Rows);
                if (page * list.PageSize >= list.Total) break;
            }

            if (parse.GetValue(json))
            {
                var documents = rows.Select(r => new { r.Slug, r.Name, r.Kind, r.Website, r.Country, Courses = r.CourseCount, r.Aliases });
                Console.WriteLine(JsonSerializer.Serialize(documents, Json));
                return 0;
            }
            if (rows.Count == 0) { Console.WriteLine("No providers yet. Add one with: coursematch providers add NAME"); return 0; }
            var slugWidth = Math.Max(4, rows.Max(r => r.Slug.Length));
            var nameWidth = Math.Min(48, Math.Max(4, rows.Max(r => r.Name.Length)));
            Console.WriteLine($"{"slug".PadRight(slugWidth)}  {"name".PadRight(nameWidth)}  {"kind",-10}  {"courses",7}  aliases");
            foreach (var r in rows)
                Console.WriteLine($"{r.Slug.PadRight(slugWidth)}  {Cut(r.Name, nameWidth).PadRight(nameWidth)}  {r.Kind,-10}  {r.CourseCount,7}  {string.Join("; ", r.Aliases)}");
            return 0;
        }));
        return command;
    }

    private static Command Add(Func<Func<NpgsqlDataSource, Task<int>>, Task<int>> withDatabase)
    {
        var name = new Argument<string>("NAME") { Description = "The provider's name, as the catalog shows it." };
        var slug = new Option<string?>("--slug") { Description = "Its short name in addresses, filters and import files; made from NAME when not given." };
        var kind = new Option<string?>("--kind") { Description = $"One of {string.Join(", ", EnumText.Names<ProviderKind>())}; guessed from NAME when not given." };
        var website = new Option<string?>("--website") { Description = "Its web address, starting with http:// or https://." };
        var country = new Option<string?>("--country") { Description = "Two-letter ISO 3166 code, like US or GB." };
        var command = new Command("add", "Add a provider and print its slug. Exits 2, writing nothing, when a value is wrong.") { name, slug, kind, website, country };
        command.SetAction((parse, ct) => withDatabase(async db =>
        {
            var given = parse.GetValue(name)!;
            var form = new ProviderForm
            {
                Name = given,
                Slug = parse.GetValue(slug) ?? ProviderDirectory.SlugFor(given),
                Kind = parse.GetValue(kind) ?? ProviderDirectory.GuessKind(given).ToKebab(),
                Website = parse.GetValue(website),
                Country = parse.GetValue(country),
            };
            await using var services = CourseMatchServices.BuildCore(db);
            var outcome = await services.GetRequiredService<ProviderEditor>().CreateAsync(form, Audit.CliActor, ct);
            if (outcome.Saved is not { } saved)
            {
                foreach (var e in outcome.Errors)
                {
                    var made = e.Field == "slug" && parse.GetValue(slug) is null ? " (the slug was made from NAME; give --slug to choose one)" : "";
                    Console.Error.WriteLine($"{ArgumentFor(e.Field)}: {e.Message}{made}");
                }
                return 2;
            }
            Console.WriteLine(saved.Slug);
            return 0;
        }));
        return command;
    }

    private static Command Alias(Func<Func<NpgsqlDataSource, Task<int>>, Task<int>> withDatabase)
    {
        var provider = new Argument<string>("PROVIDER-SLUG") { Description = "The provider's slug (see coursematch providers list)." };
        var alias = new Argument<string>("ALIAS") { Description = "Another name the provider goes by in other catalogs, like \"MITx\"." };
        var remove = new Option<bool>("--remove") { Description = "Remove the alias instead of adding it." };
        var command = new Command("alias", "Add (or with --remove, remove) another name an import finds the provider by.") { provider, alias, remove };
        command.SetAction((parse, ct) => withDatabase(async db =>
        {
            var (slug, text) = (parse.GetValue(provider)!, parse.GetValue(alias)!);
            await using var services = CourseMatchServices.BuildCore(db);
            var editor = services.GetRequiredService<ProviderEditor>();
            var removing = parse.GetValue(remove);
            var outcome = removing ? await editor.RemoveAliasAsync(slug, text, Audit.CliActor, ct) : await editor.AddAliasAsync(slug, text, Audit.CliActor, ct);
            if (outcome.Error is { } error)
            {
                Console.Error.WriteLine($"{(error.Field == "provider" ? "PROVIDER-SLUG" : "ALIAS")}: {error.Message}");
                return 2;
            }
            Console.WriteLine(removing ? $"Removed alias \"{outcome.Alias}\" from {slug.Trim()}." : $"Added alias \"{outcome.Alias}\" to {slug.Trim()}.");
            return 0;
        }));
        return command;
    }

    /// <summary>The command-line argument a form field came from, so a message names what the operator typed.</summary>
    private static string ArgumentFor(string field) => field switch
    {
        "name" => "NAME",
        "slug" or "kind" or "website" or "country" => "--" + field,
        _ => field,
    };

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
