using CourseMatch.Catalog;
using CourseMatch.Learners;

namespace CourseMatch.Ranking;

/// <summary>
/// A kind of learner the source guide speaks to, as ranges the questionnaire's answers are drawn from.
/// <see cref="Sample"/> turns one into a concrete <see cref="LearnerProfile"/>: skills are the typical levels
/// jittered by up to ±<see cref="SkillJitter"/>, budget, hours, radius and start window are drawn uniformly from
/// their ranges. Deterministic given the <see cref="Random"/>.
/// </summary>
public sealed record Persona(string Key, string Name, string Description)
{
    /// <summary>Relative frequency among synthetic learners.</summary>
    public double Share { get; init; } = 1;
    /// <summary>Typical self-rated level per skill slug; a skill not listed is 0.</summary>
    public IReadOnlyDictionary<string, int> Skills { get; init; } = new Dictionary<string, int>();
    public int SkillJitter { get; init; } = 1;
    public Goal[] Goals { get; init; } = [Goal.Upskill];
    /// <summary>Budget range in the learner's currency; (0, 0) means "free only".</summary>
    public (int Min, int Max) Budget { get; init; } = (0, 500);
    /// <summary>Probability that the budget is strict.</summary>
    public double StrictBudget { get; init; }
    public FormatPreference[] Formats { get; init; } = [FormatPreference.Any];
    /// <summary>Where the learner lives (city, ISO country, budget currency); none, or an empty city, = no location given.</summary>
    public (string City, string Country, string Currency)[] Cities { get; init; } = [];
    public (int Min, int Max) RadiusKm { get; init; } = (25, 100);
    public (int Min, int Max) HoursPerWeek { get; init; } = (4, 10);
    public (int Min, int Max) StartWithinWeeks { get; init; } = (4, 26);
    public PacingPreference[] Pacing { get; init; } = [PacingPreference.Any];
    /// <summary>Probability that a certificate is wanted.</summary>
    public double WantsCertificate { get; init; }

    /// <summary>A learner of this persona, rated in every skill of <paramref name="taxonomy"/> (those the persona does not name start near 0).</summary>
    public LearnerProfile Sample(Random rng, SkillTaxonomy taxonomy)
    {
        var skills = new Dictionary<string, int>();
        foreach (var slug in taxonomy.Slugs)
        {
            var typical = Skills.GetValueOrDefault(slug);
            skills[slug] = Math.Clamp(typical + rng.Next(-SkillJitter, SkillJitter + 1), 0, 4);
        }
        var budget = Budget.Max == 0 ? 0 : rng.Next(Budget.Min / 10, Budget.Max / 10 + 1) * 10;
        var profile = new LearnerProfile
        {
            Skills = skills,
            Goal = Goals[rng.Next(Goals.Length)],
            BudgetAmount = budget,
            BudgetCurrency = "USD",
            BudgetStrict = rng.NextDouble() < StrictBudget,
            Format = Formats[rng.Next(Formats.Length)],
            HoursPerWeek = rng.Next(HoursPerWeek.Min, HoursPerWeek.Max + 1),
            StartWithinWeeks = rng.Next(StartWithinWeeks.Min, StartWithinWeeks.Max + 1),
            Pacing = Pacing[rng.Next(Pacing.Length)],
            Language = "en",
            WantsCertificate = rng.NextDouble() < WantsCertificate,
            RadiusKm = rng.Next(RadiusKm.Min, RadiusKm.Max + 1),
        };
        if (Cities.Length > 0)
        {
            var (city, country, currency) = Cities[rng.Next(Cities.Length)];
            profile.BudgetCurrency = currency;
            if (city.Length > 0) (profile.City, profile.Country) = (city, country);
        }
        // Targets, drawn last so the draws above stay as they were: mostly the goal's role, sometimes another, and a
        // quarter set by hand from it (one wanted skill dropped, one target moved a level), as learners answer.
        if (taxonomy.Roles.Count > 0)
        {
            var role = rng.NextDouble() < 0.6 ? taxonomy.Role(TargetRole.DefaultFor(profile.Goal)) ?? taxonomy.Roles[0] : taxonomy.Roles[rng.Next(taxonomy.Roles.Count)];
            profile.TargetRole = role.Slug;
            profile.Targets = taxonomy.Slugs.ToDictionary(s => s, s => role.Targets.GetValueOrDefault(s)?.Level);
            if (rng.NextDouble() < 0.25)
            {
                profile.TargetRole = null;
                var wanted = profile.Targets.Where(t => t.Value is not null).Select(t => t.Key).ToList();
                if (wanted.Count > 1) profile.Targets[wanted[rng.Next(wanted.Count)]] = null;
                var moved = taxonomy.Skills[rng.Next(taxonomy.Skills.Count)].Slug;
                profile.Targets[moved] = Math.Clamp((profile.Targets[moved] ?? profile.Level(moved)) + (rng.Next(2) * 2 - 1), 0, Skill.MaxLevel);
            }
        }
        return profile;
    }
}

/// <summary>
/// The synthetic learners the ranker is trained on until there is enough real feedback
/// (docs/decisions/0006-learner-simulator-and-labels.md). Cities are real gazetteer entries.
/// </summary>
public static class Personas
{
    private static readonly (string, string, string)[] BigCities =
        [("New York", "US", "USD"), ("London", "GB", "GBP"), ("Berlin", "DE", "EUR"), ("Toronto", "CA", "CAD")];

    /// <summary>A beginner with no money to spend who wants free, self-paced material.</summary>
    public static readonly Persona FreeBeginner = new("free-beginner", "Beginner who wants free material",
        "New to mathematics for ML, wants to start with free online material at their own pace.")
    {
        Share = 1.2,
        Skills = new Dictionary<string, int> { ["python"] = 1 },
        Goals = [Goal.Curiosity, Goal.CareerSwitch, Goal.Academic],
        Budget = (0, 0), StrictBudget = 1, Formats = [FormatPreference.Online],
        HoursPerWeek = (3, 8), Pacing = [PacingPreference.SelfPaced, PacingPreference.Any],
    };

    /// <summary>Leaving another job for data science, in a big city, wants a cohort they can attend in person.</summary>
    public static readonly Persona CityCareerSwitcher = new("city-career-switcher", "In-person career switcher in a city",
        "Changing careers into data science; lives in a big city, will travel to a classroom, has savings to invest and time to study.")
    {
        Share = 1.3,
        Skills = new Dictionary<string, int> { ["python"] = 1, ["statistics"] = 1, ["linear-algebra"] = 1 },
        Goals = [Goal.CareerSwitch],
        Budget = (3000, 16000), StrictBudget = 0.3, Formats = [FormatPreference.Any, FormatPreference.Any, FormatPreference.InPerson],
        Cities = BigCities, RadiusKm = (20, 120), HoursPerWeek = (15, 40), StartWithinWeeks = (4, 26),
        Pacing = [PacingPreference.Scheduled, PacingPreference.Any], WantsCertificate = 0.6,
    };

    /// <summary>A working data scientist or engineer looking for advanced material.</summary>
    public static readonly Persona AdvancedPractitioner = new("advanced-practitioner", "Experienced practitioner who wants advanced material",
        "Already works with ML; strong in Python and most of the mathematics, wants depth (optimisation, probability, theory), not introductions.")
    {
        Skills = new Dictionary<string, int>
        {
            ["linear-algebra"] = 3, ["calculus"] = 3, ["probability"] = 3, ["statistics"] = 3, ["discrete-math"] = 2,
            ["optimization"] = 2, ["python"] = 4, ["machine-learning"] = 3,
        },
        Goals = [Goal.Upskill, Goal.Upskill, Goal.Academic],
        Budget = (500, 5000), StrictBudget = 0.2, Formats = [FormatPreference.Any, FormatPreference.Online],
        Cities = [.. BigCities, ("", "", "USD")], HoursPerWeek = (4, 10),
    };

    /// <summary>Employed, busy, upskilling in a few hours a week: drops anything long.</summary>
    public static readonly Persona TimePoorProfessional = new("time-poor-professional", "Time-poor professional upskilling",
        "Full-time job, two to four hours a week; wants short, self-paced courses that pay off quickly at work.")
    {
        Skills = new Dictionary<string, int> { ["python"] = 2, ["statistics"] = 2, ["linear-algebra"] = 1, ["probability"] = 1, ["machine-learning"] = 1 },
        Goals = [Goal.Upskill],
        Budget = (200, 2000), StrictBudget = 0.4, Formats = [FormatPreference.Online, FormatPreference.Any],
        HoursPerWeek = (2, 4), Pacing = [PacingPreference.SelfPaced, PacingPreference.Any], WantsCertificate = 0.3,
    };

    /// <summary>A student preparing for a degree or graduate programme.</summary>
    public static readonly Persona AcademicPreparation = new("academic-preparation", "Academic preparation student",
        "Preparing for a master's or PhD: wants rigorous mathematics (proofs, linear algebra, calculus, probability), cheap books and university courses.")
    {
        Skills = new Dictionary<string, int> { ["linear-algebra"] = 1, ["calculus"] = 2, ["probability"] = 1, ["statistics"] = 1, ["discrete-math"] = 1, ["python"] = 1 },
        Goals = [Goal.Academic],
        Budget = (0, 300), StrictBudget = 0.6, Formats = [FormatPreference.Online, FormatPreference.Any],
        HoursPerWeek = (8, 20), Pacing = [PacingPreference.Any, PacingPreference.SelfPaced],
    };

    /// <summary>Learns for pleasure; a little money, a little time, no certificate.</summary>
    public static readonly Persona CuriousHobbyist = new("curious-hobbyist", "Curious hobbyist",
        "Learns for the joy of it: wants engaging books and courses, no exams, no cohorts, a small budget.")
    {
        Skills = new Dictionary<string, int> { ["python"] = 1, ["linear-algebra"] = 1, ["calculus"] = 1 },
        Goals = [Goal.Curiosity],
        Budget = (0, 150), StrictBudget = 0.3, Formats = [FormatPreference.Online, FormatPreference.Any],
        HoursPerWeek = (2, 6), Pacing = [PacingPreference.SelfPaced, PacingPreference.Any],
    };

    /// <summary>Self-taught, with a hard ceiling on what they can pay.</summary>
    public static readonly Persona BudgetLimitedSelfLearner = new("budget-limited-self-learner", "Budget-limited self-learner",
        "Teaching themselves towards a data job with a strict, small budget; every course must fit under it.")
    {
        Skills = new Dictionary<string, int> { ["python"] = 2, ["statistics"] = 1, ["linear-algebra"] = 1, ["probability"] = 1 },
        Goals = [Goal.Upskill, Goal.CareerSwitch],
        Budget = (30, 300), StrictBudget = 1, Formats = [FormatPreference.Online],
        HoursPerWeek = (5, 12), Pacing = [PacingPreference.Any, PacingPreference.SelfPaced],
    };

    /// <summary>Needs a certificate to show an employer.</summary>
    public static readonly Persona CertificateSeeker = new("certificate-seeker", "Certificate seeker",
        "Needs a certificate for an employer or a visa file; pays for a recognised one, online.")
    {
        Skills = new Dictionary<string, int> { ["python"] = 2, ["statistics"] = 1, ["probability"] = 1, ["machine-learning"] = 1 },
        Goals = [Goal.Upskill, Goal.CareerSwitch],
        Budget = (200, 3000), StrictBudget = 0.4, Formats = [FormatPreference.Online, FormatPreference.Any],
        HoursPerWeek = (4, 10), WantsCertificate = 1,
    };

    /// <summary>Changing careers full time but studying online, with no classroom nearby.</summary>
    public static readonly Persona OnlineCareerSwitcher = new("online-career-switcher", "Online full-time career switcher",
        "Changing careers full time from a place without a campus: online programmes and scheduled cohorts, certificates valued.")
    {
        Skills = new Dictionary<string, int> { ["python"] = 1, ["statistics"] = 1 },
        Goals = [Goal.CareerSwitch],
        Budget = (1000, 12000), StrictBudget = 0.3, Formats = [FormatPreference.Online],
        HoursPerWeek = (15, 40), Pacing = [PacingPreference.Any, PacingPreference.Scheduled], WantsCertificate = 0.5,
    };

    /// <summary>A software engineer strong in Python and applied ML but weak in the mathematics underneath.</summary>
    public static readonly Persona EngineerFillingMathGaps = new("engineer-math-gaps", "Engineer filling mathematics gaps",
        "Codes well and has used ML libraries, but never learned the linear algebra, calculus and probability behind them.")
    {
        Skills = new Dictionary<string, int> { ["python"] = 4, ["machine-learning"] = 2, ["linear-algebra"] = 1, ["statistics"] = 1 },
        Goals = [Goal.Upskill, Goal.Academic],
        Budget = (100, 1500), StrictBudget = 0.3, Formats = [FormatPreference.Online, FormatPreference.Any],
        HoursPerWeek = (3, 10), Pacing = [PacingPreference.SelfPaced, PacingPreference.Any], WantsCertificate = 0.2,
    };

    public static readonly IReadOnlyList<Persona> All =
    [
        FreeBeginner, CityCareerSwitcher, AdvancedPractitioner, TimePoorProfessional, AcademicPreparation,
        CuriousHobbyist, BudgetLimitedSelfLearner, CertificateSeeker, OnlineCareerSwitcher, EngineerFillingMathGaps,
    ];

    /// <summary>Picks a persona in proportion to <see cref="Persona.Share"/>.</summary>
    public static Persona Pick(Random rng)
    {
        var total = All.Sum(p => p.Share);
        var x = rng.NextDouble() * total;
        foreach (var p in All)
        {
            if (x < p.Share) return p;
            x -= p.Share;
        }
        return All[^1];
    }
}
