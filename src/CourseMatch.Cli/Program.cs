using Microsoft.Extensions.DependencyInjection;
using System.CommandLine;
using System.Diagnostics;
using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Data.Seed;
using System.Text.Json;
using CourseMatch.Learners;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using CourseMatch.Cli;
using CourseMatch.Tooling;
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

var profileFile = new Option<FileInfo>("--profile") { Description = "A JSON file with the learner's answers (the body of POST /api/recommendations).", Required = true };
var recommend = new Command("recommend", "Print a plan for a learner profile, as the API returns it.") { profileFile };
recommend.SetAction((parse, ct) => WithDatabase(async db =>
{
    var file = parse.GetValue(profileFile)!;
    if (!file.Exists) { Console.Error.WriteLine($"--profile: {file.FullName} does not exist."); return 2; }
    // The same record and JSON options as POST /api/recommendations, so a wrong type names its field here too.
    var (input, errors) = ProfileRequest.Read(await File.ReadAllTextAsync(file.FullName, ct));
    var outcome = input is null ? new RecommendationService.Outcome(null, errors)
        : await CourseMatch.CourseMatchServices.BuildCore(db).GetRequiredService<RecommendationService>().RecommendAsync(input, ct);
    if (outcome.Plan is null)
    {
        foreach (var (field, messages) in outcome.Errors) Console.Error.WriteLine($"{field}: {string.Join(" ", messages)}");
        return 2;
    }
    Console.WriteLine(JsonSerializer.Serialize(outcome.Plan, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    return 0;
}));

var promote = new Option<bool>("--promote") { Description = "Make the new model active if it is at least as good as the rubric and the active model." };
var firstOnly = new Option<bool>("--if-no-model") { Description = "Do nothing when a model is already active (run.sh uses this on start-up)." };
var learners = new Option<int?>("--learners") { Description = "How many synthetic learners to sample (default 600)." };
var train = new Command("train", "Train a ranking model; print NDCG@k of the model, the rubric and popularity on the same held-out groups.") { promote, firstOnly, learners };
train.SetAction((parse, ct) => WithDatabase(async db =>
{
    await using var services = CourseMatch.CourseMatchServices.BuildCore(db);
    if (parse.GetValue(firstOnly) && await services.GetRequiredService<ModelRegistry>().ActiveAsync(ct) is { } active)
    {
        Console.WriteLine($"Model version {active.Id} is active; not training.");
        return 0;
    }
    var n = parse.GetValue(learners);
    if (n is < 10 or > 100_000) { Console.Error.WriteLine("--learners: give a number between 10 and 100,000."); return 2; }
    var options = new TrainingOptions { Promote = parse.GetValue(promote) };
    if (n is int count) options = options with { SyntheticLearners = count };
    var report = await services.GetRequiredService<RankerTraining>().TrainAsync(options, new Progress<string>(m => Console.Error.WriteLine(m)), ct);
    Console.WriteLine(report.ToTable());
    return 0;
}));

var evaluate = new Command("evaluate", "NDCG@1/3/5/10 of the active model, the rubric and popularity on fresh held-out learners.");
evaluate.SetAction((_, ct) => WithDatabase(async db =>
{
    await using var services = CourseMatch.CourseMatchServices.BuildCore(db);
    Console.WriteLine((await services.GetRequiredService<RankerTraining>().EvaluateAsync(ct: ct)).ToTable());
    return 0;
}));

var users = UsersCommand.Create(WithDatabase);
var root = new RootCommand("coursematch: operate the CourseMatch catalog from the command line.")
    { migrate, seed, recommend, train, evaluate, users, ImportExportCommands.Import(WithDatabase), ImportExportCommands.Export(WithDatabase), MappingCommands.Create(WithDatabase), ProvidersCommand.Create(WithDatabase), TagCommand.Create(WithDatabase) };
var parsed = root.Parse(args);
var exit = await parsed.InvokeAsync();
// The parser has printed what is wrong (a missing argument, an unknown option): bad input, which every command answers with 2.
return parsed.Errors.Count > 0 ? 2 : exit;

static async Task<int> WithDatabase(Func<NpgsqlDataSource, Task<int>> work)
{
    try
    {
        await using var db = NpgsqlDataSource.Create(await LocalDatabase.ResolveConnectionStringAsync());
        return await work(db);
    }
    catch (Exception e) when (e is InvalidOperationException or InvalidDataException or NpgsqlException)
    {
        Console.Error.WriteLine($"coursematch: {e.Message}");
        return 1;
    }
}
