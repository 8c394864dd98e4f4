using System.Globalization;

namespace CourseMatch.Bench;

/// <summary>Command-line settings of one benchmark run.</summary>
public sealed record BenchOptions
{
    public IReadOnlyList<int> Sizes { get; init; } = [10_000, 100_000, 1_000_000];
    public int DurationSeconds { get; init; } = 10;
    public int WarmupSeconds { get; init; } = 3;
    public IReadOnlyList<int> Concurrency { get; init; } = [8, 2];
    /// <summary>Skip the recommendations section (catalog search only).</summary>
    public bool NoRecommendations { get; init; }
    /// <summary>Skip training (the demo model and the 2,000 × 200 timing); recommendations then rank with the rubric.</summary>
    public bool NoTraining { get; init; }
    /// <summary>Learner groups × candidates of the training-time measurement.</summary>
    public int TrainingGroups { get; init; } = 2_000;
    public int TrainingCandidates { get; init; } = 200;
    public bool Quick { get; init; }
    public bool LoadOnly { get; init; }
    public bool KeepCluster { get; init; }
    public string? Output { get; init; }
    /// <summary>The import benchmark instead of the catalog one: file sizes in rows, each imported into a fresh database.</summary>
    public IReadOnlyList<int> ImportRows { get; init; } = [];
    /// <summary>How the import file writes its values: as aggregators do, and/or as the catalog stores them.</summary>
    public IReadOnlyList<CatalogForms> ImportForms { get; init; } = [CatalogForms.Written];
    /// <summary>A step of the import (read, dry run, commit, re-import) that runs longer than this is abandoned and reported.</summary>
    public int ImportLimitSeconds { get; init; } = 900;
    public bool IsImport => ImportRows.Count > 0;
    /// <summary>The tagging benchmark instead: courses tagged in the foreground (the CLI's way).</summary>
    public int? TagRows { get; init; }
    /// <summary>More untagged courses, for the web app's background run to work through while searches are measured.</summary>
    public int TagBackgroundRows { get; init; } = 100_000;
    public int TagWindowSeconds { get; init; } = 60;
    public int TagClients { get; init; } = 2;
    /// <summary>Searches a second of the paced load (visitors arriving), about a fifth of what the app answers flat out here.</summary>
    public int TagRate { get; init; } = 50;
    public bool IsTag => TagRows is not null;
    /// <summary>The cluster benchmark instead: drive a deployment that is already running (HAProxy's address) over HTTP.</summary>
    public string? TargetUrl { get; init; }
    /// <summary>The deployment's database (primary, or "primary,replica" hosts): the synthetic catalog is loaded into it and the search mix read from it.</summary>
    public string? TargetDb { get; init; }
    /// <summary>What this run measures, as the report names it ("2 instances").</summary>
    public string Label { get; init; } = "cluster";
    /// <summary>A second deployment measured back to back with the first, in alternating order ("1 instance=http://…").</summary>
    public (string Label, string Url)? Versus { get; init; }
    /// <summary>How many times every measurement is repeated.</summary>
    public int Rounds { get; init; } = 1;
    /// <summary>Open this many interactive /match circuits on one instance and measure its memory, instead of the load.</summary>
    public int Circuits { get; init; }
    /// <summary>The instance the circuits are opened on (its own address, not the proxy's) and its process id.</summary>
    public string? CircuitUrl { get; init; }
    public int? CircuitPid { get; init; }
    /// <summary>The instance's Prometheus endpoint (its loopback metrics port), to read how many circuits it holds.</summary>
    public string? CircuitMetricsUrl { get; init; }
    /// <summary>Process ids whose trees count as "ours" (the deployment: run.sh, the postmasters, Redis) when the report splits CPU use.</summary>
    public IReadOnlyList<int> OwnPids { get; init; } = [];
    /// <summary>Before each measurement, wait while the 1-minute load average is above this (other work on the machine)…</summary>
    public double MaxLoad { get; init; } = 1.0;
    /// <summary>…for at most this long, then measure anyway and say so.</summary>
    public int LoadWaitSeconds { get; init; } = 150;
    public bool IsCluster => TargetUrl is not null;
    /// <summary>Where --target-db is read from when not given on the command line.</summary>
    public const string TargetDbVariable = "COURSEMATCH_BENCH_TARGET_DB";

    public const string Usage = """
        CourseMatch catalog search benchmark: API (real Kestrel on 127.0.0.1) against raw Npgsql running the same SQL.

        dotnet run -c Release --project bench/CourseMatch.Bench -- [options]

          --sizes 10000,100000,1000000   catalog sizes, grown in order in one throwaway database (default: all three)
          --duration-seconds 10          measured time per query class, for the API and again for the baseline
          --warmup-seconds 3             unmeasured warm-up before each measurement
          --concurrency 8,2              client counts: every class (and recommendation profile) is measured with each
                                         number of closed-loop clients (the baseline uses as many)
          --no-recommendations           measure the catalog search only
          --no-training                  skip training (recommendations rank with the rubric; no training time)
          --training-groups 2000         learner groups of the training-time measurement (x --training-candidates 200)
          --quick                        smoke run: 5,000 courses, 2 s per class, 1 s warm-up, 4 and 2 clients, 200 training groups;
                                         writes bench/results/quick.md only
          --load-only                    load and time the sizes, measure nothing; writes bench/results/load.md only
          --keep-cluster                 leave the database running at the end (to EXPLAIN by hand); prints how to stop it
          --output PATH                  also write the Markdown report to PATH

        The import benchmark (instead of the above; see bench/README.md):

          --import-rows 100000           generate a messy aggregator catalog of this many rows (or several: 10000,100000),
                                         import it into a fresh database (dry run, commit, re-import dry run) and time it;
                                         writes docs/bench/import.md and bench/results/import.md
          --import-forms written         how the file writes prices, levels, languages and counts: written (as aggregators
                                         do), plain (as the catalog stores them) or written,plain (both, one after the other)
          --import-limit-seconds 900     abandon a step that runs longer than this (the report says where it was)

        The tagging benchmark (instead of the above):

          --tag-rows 10000               import this many untagged courses plus --tag-background-rows more, train a tagger,
                                         time tagging the first ones as the CLI does; then measure catalog search latency in
                                         the web app idle and while its background run tags the rest;
                                         writes docs/bench/tagging.md and bench/results/tagging.md
          --tag-background-rows 100000   untagged courses left for the background run
          --tag-window-seconds 60        measured search time, idle and again while tagging
          --tag-clients 2                closed-loop search clients (the flat-out load)
          --tag-rate 50                  searches a second of the paced load

        The cluster benchmark (instead of the above; see docs/bench/cluster.md and bench/cluster-bench.sh):

          --target-url URL               drive a running deployment (HAProxy) over HTTP: the realistic search mix and
                                         recommendations (the three learners in turn) at each --concurrency
          --target-db CONNSTRING         its database (or $COURSEMATCH_BENCH_TARGET_DB): first --sizes value loaded into the primary if short of it (the
                                         replica is waited for when two hosts are given); the search mix is read from it
          --label "2 instances"          what this run is, for the report (bench/results/cluster-<label>.md)
          --versus "1 instance=URL"      a second deployment, measured back to back with the first in alternating order
          --rounds 1                     repeat every measurement this many times
          --circuits 50                  instead of the load: open this many /match circuits on one instance, from
                                         headless Chromium, and measure that instance's resident memory
          --circuit-url URL              the instance's own address        --circuit-pid PID   its process
          --circuit-metrics URL          its /metrics (loopback metrics port): the circuits it reports as active
          --own-pids 1,2,3               process trees that are the deployment (CPU split: ours / other processes)
          --max-load 1.0                 wait before each measurement while the 1-minute load average is above this,
          --load-wait-seconds 150        for at most this long
          -h, --help                     this text
        """;

    public static BenchOptions? Parse(string[] args, TextWriter error)
    {
        var o = new BenchOptions();
        bool sizesGiven = false, durationGiven = false, warmupGiven = false, concurrencyGiven = false, trainingGiven = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next()
            {
                if (i + 1 >= args.Length) throw new FormatException($"{args[i]} needs a value.");
                return args[++i];
            }
            int PositiveInt(string name, string raw, int max)
            {
                if (!int.TryParse(raw.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < 1 || v > max)
                    throw new FormatException($"{name}: '{raw}' is not a whole number between 1 and {max:#,0}.");
                return v;
            }
            try
            {
                switch (args[i])
                {
                    case "--sizes":
                        var raw = Next();
                        var sizes = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Select(s => PositiveInt("--sizes", s, 5_000_000)).ToList();
                        if (sizes.Count == 0) throw new FormatException("--sizes: give at least one size.");
                        for (var k = 1; k < sizes.Count; k++)
                            if (sizes[k] <= sizes[k - 1]) throw new FormatException("--sizes: give increasing sizes (the catalog grows between them).");
                        o = o with { Sizes = sizes };
                        sizesGiven = true;
                        break;
                    case "--duration-seconds":
                        o = o with { DurationSeconds = PositiveInt("--duration-seconds", Next(), 600) };
                        durationGiven = true;
                        break;
                    case "--warmup-seconds":
                        o = o with { WarmupSeconds = PositiveInt("--warmup-seconds", Next(), 120) };
                        warmupGiven = true;
                        break;
                    case "--concurrency":
                        var list = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Select(s => PositiveInt("--concurrency", s, 64)).Distinct().ToList();
                        if (list.Count == 0) throw new FormatException("--concurrency: give at least one client count.");
                        o = o with { Concurrency = list };
                        concurrencyGiven = true;
                        break;
                    case "--no-recommendations": o = o with { NoRecommendations = true }; break;
                    case "--no-training": o = o with { NoTraining = true }; break;
                    case "--training-groups": o = o with { TrainingGroups = PositiveInt("--training-groups", Next(), 100_000) }; trainingGiven = true; break;
                    case "--training-candidates": o = o with { TrainingCandidates = PositiveInt("--training-candidates", Next(), 10_000) }; break;
                    case "--quick": o = o with { Quick = true }; break;
                    case "--load-only": o = o with { LoadOnly = true }; break;
                    case "--keep-cluster": o = o with { KeepCluster = true }; break;
                    case "--output": o = o with { Output = Next() }; break;
                    case "--import-rows":
                        var rows = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Select(s => PositiveInt("--import-rows", s, 1_000_000)).Distinct().ToList();
                        if (rows.Count == 0) throw new FormatException("--import-rows: give at least one number of rows.");
                        o = o with { ImportRows = rows };
                        break;
                    case "--import-forms":
                        var forms = new List<CatalogForms>();
                        foreach (var name in Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                            forms.Add(name.ToLowerInvariant() switch
                            {
                                "written" => CatalogForms.Written,
                                "plain" => CatalogForms.Plain,
                                _ => throw new FormatException($"--import-forms: '{name}' is not written or plain."),
                            });
                        if (forms.Count == 0) throw new FormatException("--import-forms: give written, plain or written,plain.");
                        o = o with { ImportForms = forms.Distinct().ToList() };
                        break;
                    case "--tag-rows": o = o with { TagRows = PositiveInt("--tag-rows", Next(), 1_000_000) }; break;
                    case "--tag-background-rows": o = o with { TagBackgroundRows = PositiveInt("--tag-background-rows", Next(), 1_000_000) }; break;
                    case "--tag-window-seconds": o = o with { TagWindowSeconds = PositiveInt("--tag-window-seconds", Next(), 3_600) }; break;
                    case "--tag-clients": o = o with { TagClients = PositiveInt("--tag-clients", Next(), 64) }; break;
                    case "--tag-rate": o = o with { TagRate = PositiveInt("--tag-rate", Next(), 10_000) }; break;
                    case "--import-limit-seconds": o = o with { ImportLimitSeconds = PositiveInt("--import-limit-seconds", Next(), 86_400) }; break;
                    case "--target-url": o = o with { TargetUrl = Next().TrimEnd('/') }; break;
                    case "--target-db": o = o with { TargetDb = Next() }; break;
                    case "--label": o = o with { Label = Next() }; break;
                    case "--versus":
                        var versus = Next().Split('=', 2, StringSplitOptions.TrimEntries);
                        if (versus.Length != 2 || !Uri.TryCreate(versus[1], UriKind.Absolute, out _))
                            throw new FormatException("--versus: give LABEL=URL, for example \"1 instance=http://127.0.0.1:58481\".");
                        o = o with { Versus = (versus[0], versus[1].TrimEnd('/')) };
                        break;
                    case "--rounds": o = o with { Rounds = PositiveInt("--rounds", Next(), 20) }; break;
                    case "--circuits": o = o with { Circuits = PositiveInt("--circuits", Next(), 1_000) }; break;
                    case "--circuit-url": o = o with { CircuitUrl = Next().TrimEnd('/') }; break;
                    case "--circuit-metrics": o = o with { CircuitMetricsUrl = Next() }; break;
                    case "--circuit-pid": o = o with { CircuitPid = PositiveInt("--circuit-pid", Next(), int.MaxValue) }; break;
                    case "--own-pids":
                        o = o with { OwnPids = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Select(s => PositiveInt("--own-pids", s, int.MaxValue)).ToList() };
                        break;
                    case "--max-load":
                        var rawLoad = Next();
                        if (!double.TryParse(rawLoad, NumberStyles.Float, CultureInfo.InvariantCulture, out var maxLoad) || maxLoad <= 0)
                            throw new FormatException($"--max-load: '{rawLoad}' is not a positive number.");
                        o = o with { MaxLoad = maxLoad };
                        break;
                    case "--load-wait-seconds": o = o with { LoadWaitSeconds = PositiveInt("--load-wait-seconds", Next(), 3_600) }; break;
                    case "-h" or "--help":
                        Console.WriteLine(Usage);
                        return null;
                    default:
                        throw new FormatException($"Unknown option '{args[i]}'.");
                }
            }
            catch (FormatException e)
            {
                error.WriteLine(e.Message);
                error.WriteLine();
                error.WriteLine(Usage);
                return null;
            }
        }
        if (o.Circuits > 0 && (o.CircuitUrl is null || o.CircuitPid is null))
        {
            error.WriteLine("--circuits needs --circuit-url (the instance's own address) and --circuit-pid (its process).");
            return null;
        }
        if (o.Circuits > 0 && o.TargetUrl is null) o = o with { TargetUrl = o.CircuitUrl };
        // The database's password stays out of the process list: the connection string may come from the environment.
        if (o.TargetUrl is not null && o.TargetDb is null && Environment.GetEnvironmentVariable(TargetDbVariable) is { Length: > 0 } fromEnvironment)
            o = o with { TargetDb = fromEnvironment };
        if (o.Quick)
        {
            if (!sizesGiven) o = o with { Sizes = [5_000] };
            if (!durationGiven) o = o with { DurationSeconds = 2 };
            if (!warmupGiven) o = o with { WarmupSeconds = 1 };
            if (!concurrencyGiven) o = o with { Concurrency = [4, 2] };
            if (!trainingGiven) o = o with { TrainingGroups = 200 };
        }
        return o;
    }

    public string Describe() => IsTag
        ? $"tagging {TagRows:#,0} courses in the foreground, then {TagBackgroundRows:#,0} in the web app's background; searches ({TagRate}/s paced, and {TagClients} clients flat out) measured {TagWindowSeconds} s each, idle and while tagging"
        : IsImport
        ? $"import of {string.Join(", ", ImportRows.Select(r => r.ToString("#,0", CultureInfo.InvariantCulture)))} rows; " +
          $"{string.Join(" and ", ImportForms.Select(f => f.ToString().ToLowerInvariant()))} forms; seed {MessyCatalog.DefaultSeed}; at most {ImportLimitSeconds:#,0} s per step"
        : LoadOnly
        ? $"sizes {string.Join(", ", Sizes.Select(s => s.ToString("#,0", CultureInfo.InvariantCulture)))}; load only"
        : $"sizes {string.Join(", ", Sizes.Select(s => s.ToString("#,0", CultureInfo.InvariantCulture)))}; " +
        $"{string.Join(" and ", Concurrency)} concurrent clients; {WarmupSeconds} s warm-up + {DurationSeconds} s measured per class and client count (API and baseline each)" +
        (NoRecommendations ? "; no recommendations" : "") + (NoTraining ? "; no training" : "") +
        (Quick ? "; quick smoke run" : "");
}
