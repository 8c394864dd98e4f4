using System.CommandLine;
using System.Globalization;
using CourseMatch.Curation;
using CourseMatch.Tagging;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CourseMatch.Cli;

/// <summary>
/// coursematch tag [--untagged | --all] [--dry-run] [--source FEED]: propose skills for courses with the active tagger;
/// tag train | evaluate | promote ID | rollback | threshold ID VALUE: the tagger models.
/// </summary>
public static class TagCommand
{
    public static Command Create(Func<Func<NpgsqlDataSource, Task<int>>, Task<int>> withDatabase)
    {
        var untagged = new Option<bool>("--untagged") { Description = "Courses no one has tagged or confirmed (the default)." };
        var all = new Option<bool>("--all") { Description = "Every course whose skills a person has not confirmed; inferred ones are proposed again." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Propose and count; write nothing." };
        var source = new Option<string?>("--source") { Description = "Only the courses of this import feed." };
        var tag = new Command("tag", "Propose skills for courses with the active tagger; apply the sure ones as inferred.") { untagged, all, dryRun, source };
        tag.SetAction((parse, ct) => withDatabase(async db =>
        {
            if (parse.GetValue(untagged) && parse.GetValue(all)) { Console.Error.WriteLine("--untagged and --all: choose one."); return 2; }
            await using var services = CourseMatchServices.BuildCore(db);
            var request = new TagRequest { Scope = parse.GetValue(all) ? TagScope.All : TagScope.Untagged, DryRun = parse.GetValue(dryRun), Feed = parse.GetValue(source) };
            var progress = new Progress<ImportProgress>(p => Console.Error.Write($"\r{p.Phase}: {p.Done:#,0} / {p.Total:#,0}"));
            var outcome = await services.GetRequiredService<CourseTagging>().TagAsync(request, progress, ct);
            Console.Error.WriteLine();
            if (!outcome.Ok) { Console.Error.WriteLine($"coursematch tag: {outcome.Problem}"); return 1; }
            Console.WriteLine($"{outcome.Courses:#,0} courses read by tagger model {outcome.ModelId}: {outcome.Proposed - outcome.NotEnoughText - outcome.Outside:#,0} with skills, "
                + $"{outcome.Outside:#,0} outside the taxonomy, {outcome.NotEnoughText:#,0} with too little text; "
                + $"{outcome.Applied:#,0} at or above the threshold {outcome.Threshold.ToString("0.###", CultureInfo.InvariantCulture)}"
                + (request.DryRun ? " would be applied. Dry run: nothing written." : " applied as inferred; the rest wait in the review queue.")
                + $" {outcome.Encoded:#,0} texts encoded.");
            return 0;
        }));

        var ifNoModel = new Option<bool>("--if-no-model") { Description = "Do nothing when a tagger model is already active (run.sh uses this on start-up)." };
        var train = new Command("train", "Train a tagger on the labels, measure it beside the keyword baseline on the held-out courses, store it (active when it is the first and beats the baseline).") { ifNoModel };
        train.SetAction((parse, ct) => withDatabase(async db =>
        {
            await using var services = CourseMatchServices.BuildCore(db);
            if (parse.GetValue(ifNoModel) && await services.GetRequiredService<TaggerTraining>().ActiveAsync(ct) is var (active, _))
            {
                Console.WriteLine($"Tagger model {active.Id} is active; not training.");
                return 0;
            }
            var result = await services.GetRequiredService<TaggerTraining>().TrainAsync(ct: ct);
            Console.WriteLine($"Tagger model {result.ModelId}: auto-apply threshold {result.Threshold.ToString("0.###", CultureInfo.InvariantCulture)}" + (result.Promoted ? "; promoted (it is the first)." : "."));
            Console.WriteLine(TaggerReport.Table(result.Evaluation));
            return 0;
        }));

        var evaluate = new Command("evaluate", "The active tagger and the keyword baseline on the held-out labelled courses.");
        evaluate.SetAction((_, ct) => withDatabase(async db =>
        {
            await using var services = CourseMatchServices.BuildCore(db);
            if (await services.GetRequiredService<TaggerTraining>().ActiveAsync(ct) is not var (model, _))
            { Console.Error.WriteLine("coursematch tag evaluate: no tagger model is active; run coursematch tag train."); return 1; }
            Console.WriteLine($"Tagger model {model.Id}, measured when it was trained ({model.CreatedAt:yyyy-MM-dd HH:mm}):");
            Console.WriteLine(TaggerReport.Table(TaggerTraining.EvaluationOf(model)!));
            return 0;
        }));

        var id = new Argument<int>("ID") { Description = "The tagger model's id." };
        var promote = new Command("promote", "Make a tagger model active (it must beat the keyword baseline).") { id };
        promote.SetAction((parse, ct) => withDatabase(async db =>
        {
            await using var services = CourseMatchServices.BuildCore(db);
            var result = await services.GetRequiredService<TaggerTraining>().PromoteAsync(parse.GetValue(id), ct: ct);
            (result.Promoted ? Console.Out : Console.Error).WriteLine(result.Reason);
            return result.Promoted ? 0 : 1;
        }));

        var rollback = new Command("rollback", "Make the previously active tagger model active again.");
        rollback.SetAction((_, ct) => withDatabase(async db =>
        {
            await using var services = CourseMatchServices.BuildCore(db);
            var result = await services.GetRequiredService<TaggerTraining>().RollbackAsync(ct: ct);
            (result.RolledBack ? Console.Out : Console.Error).WriteLine(result.Reason);
            return result.RolledBack ? 0 : 1;
        }));

        var value = new Argument<double>("CONFIDENCE") { Description = "0–1; proposals at or above it are applied without review (above 1: never)." };
        var threshold = new Command("threshold", "Set a tagger model's auto-apply threshold.") { id, value };
        threshold.SetAction((parse, ct) => withDatabase(async db =>
        {
            await using var services = CourseMatchServices.BuildCore(db);
            if (await services.GetRequiredService<TaggerTraining>().SetThresholdAsync(parse.GetValue(id), parse.GetValue(value), ct: ct) is { } problem)
            { Console.Error.WriteLine(problem); return 2; }
            Console.WriteLine("Threshold set.");
            return 0;
        }));

        tag.Subcommands.Add(train);
        tag.Subcommands.Add(evaluate);
        tag.Subcommands.Add(promote);
        tag.Subcommands.Add(rollback);
        tag.Subcommands.Add(threshold);
        return tag;
    }
}
