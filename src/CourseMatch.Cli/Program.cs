using System.CommandLine;
using System.Diagnostics;
using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Data.Seed;
using Npgsql;

var migrate = new Command("migrate", "Apply database migrations.");
migrate.SetAction((_, ct) => WithDatabase(async db =>
{
    await Database.MigrateAsync(db, ct);
    Console.WriteLine("Database is up to date.");
    return 0;
}));

var synthetic = new Option<int?>("--synthetic") { Description = "Add N synthetic courses for scale work (never part of the demo catalog)." };
var seed = new Command("seed", "Load the demo catalog (re-runnable), or synthetic courses with --synthetic N.") { synthetic };
seed.SetAction((parse, ct) => WithDatabase(async db =>
{
    var n = parse.GetValue(synthetic);
    if (n is null)
    {
        var count = await Database.SeedDemoAsync(db, ct);
        Console.WriteLine($"Demo catalog loaded: {count} courses.");
        return 0;
    }
    if (n is < 1 or > 5_000_000)
    {
        Console.Error.WriteLine("--synthetic: give a number of courses between 1 and 5,000,000.");
        return 2;
    }
    var clock = Stopwatch.StartNew();
    await SyntheticCatalog.LoadAsync(db, n.Value, done => Console.Error.Write($"\r{done:#,0} / {n:#,0} courses"), ct);
    Console.Error.WriteLine();
    await CatalogSearch.RefreshVocabularyAsync(db, ct);
    Console.WriteLine($"Loaded {n:#,0} synthetic courses in {clock.Elapsed.TotalSeconds:0.0} s.");
    return 0;
}));

var root = new RootCommand("coursematch: operate the CourseMatch catalog from the command line.") { migrate, seed };
return await root.Parse(args).InvokeAsync();

static async Task<int> WithDatabase(Func<NpgsqlDataSource, Task<int>> work)
{
    try
    {
        await using var db = NpgsqlDataSource.Create(Database.ResolveConnectionString());
        return await work(db);
    }
    catch (Exception e) when (e is InvalidOperationException or InvalidDataException or NpgsqlException)
    {
        Console.Error.WriteLine($"coursematch: {e.Message}");
        return 1;
    }
}
