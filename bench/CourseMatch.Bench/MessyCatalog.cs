using System.Globalization;
using System.Text;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using CsvHelper;
using static System.FormattableString;

namespace CourseMatch.Bench;

/// <summary>How the generated catalog writes its typed values.</summary>
public enum CatalogForms
{
    /// <summary>As aggregators write them: "$1,481.00", "FREE-Add a Verified Certificate for $49 USD", "Beginner Level", "Español", "1,234".</summary>
    Written,
    /// <summary>
    /// The same catalog with price, level, language and reviews as the catalog stores them ("1481" with a USD constant,
    /// "beginner", "es", "1234"); durations and start dates stay written. It times the import without reading written
    /// forms: a comparison, and a way to time the commit while the reader is a stand-in.
    /// </summary>
    Plain,
}

/// <summary>What <see cref="MessyCatalog.Write"/> wrote.</summary>
public sealed record GeneratedCatalog(int Rows, int Repeats, int Institutions, int ExistingInstitutions, long Bytes);

/// <summary>
/// A deterministic aggregator-like catalog file: the columns, value forms and quirks of real course aggregators (prices
/// in several currencies and words, durations in prose, dates four ways, levels and languages as written, descriptions
/// with commas, quotes and line breaks, byte-identical repeated rows), keyed by a unique URL.
/// </summary>
public static class MessyCatalog
{
    public const string Feed = "bench-aggregator";
    public const int DefaultSeed = 11;
    /// <summary>Share of rows that repeat an earlier row byte for byte, as scraped feeds do.</summary>
    public const double RepeatShare = 0.005;

    public static readonly string[] Headers =
        ["Course Name", "Provider", "Institution", "Language", "Price", "Duration", "Start Date", "Level", "Rating", "Reviews", "URL", "Description"];

    /// <summary>The mapping an admin would write for this file: every column by name, the slug from the title, the feed keyed by URL.</summary>
    public static MappingDocument Mapping(CatalogForms forms)
    {
        var fields = new Dictionary<string, FieldSource>(StringComparer.Ordinal)
        {
            ["sourceId"] = FieldSource.FromColumn("URL"),
            ["url"] = FieldSource.FromColumn("URL"),
            ["title"] = FieldSource.FromColumn("Course Name"),
            ["slug"] = new() { Template = "agg-{Course Name}" },
            ["provider"] = FieldSource.FromColumn("Institution"),
            ["language"] = FieldSource.FromColumn("Language"),
            ["price"] = FieldSource.FromColumn("Price"),
            ["duration"] = FieldSource.FromColumn("Duration"),
            ["startDate"] = FieldSource.FromColumn("Start Date"),
            ["level"] = FieldSource.FromColumn("Level"),
            ["rating"] = FieldSource.FromColumn("Rating"),
            ["ratingCount"] = FieldSource.FromColumn("Reviews"),
            ["description"] = FieldSource.FromColumn("Description"),
        };
        // Plain prices are bare amounts, so the currency comes from the mapping.
        if (forms == CatalogForms.Plain) fields["currency"] = new() { Constant = "USD" };
        return new MappingDocument { Feed = Feed, Fields = fields };
    }

    /// <summary>Writes <paramref name="rows"/> data rows (repeats included) after the header, as UTF-8 CSV; the same arguments write the same bytes.</summary>
    public static GeneratedCatalog Write(Stream output, int rows, CatalogForms forms, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var institutions = Institutions(seed);
        var weights = new double[institutions.Count];
        // A few institutions publish thousands of courses, most a handful: rank-weighted, in an order fixed by the seed.
        for (var i = 0; i < weights.Length; i++) weights[i] = (i == 0 ? 0 : weights[i - 1]) + 1.0 / (i + 4);

        var random = new Random(seed);
        var recent = new string[1000][];
        var written = 0;
        var repeats = 0;
        var counting = new CountingStream(output);
        using (var csv = CsvWriter.Create(counting, new CsvWriterOptions { Injection = CsvInjection.None }, leaveOpen: true))
        {
            csv.WriteRecord(Headers);
            for (var n = 0; n < rows; n++)
            {
                string[] record;
                if (written > 100 && random.NextDouble() < RepeatShare)
                {
                    record = recent[random.Next(Math.Min(written, recent.Length))];
                    repeats++;
                }
                else
                {
                    var institution = institutions[Pick(weights, random)];
                    record = Row(random, written, institution, forms);
                    recent[written % recent.Length] = record;
                    written++;
                }
                csv.WriteRecord(record);
            }
        }
        return new GeneratedCatalog(rows, repeats, institutions.Count, ExistingInstitutions.Length, counting.Written);
    }

    private static int Pick(double[] cumulative, Random random)
    {
        var i = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>Picks by weight: (weight, value) pairs.</summary>
    private static T Weighted<T>(Random random, (int Weight, T Value)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (weight, value) in choices)
        {
            if (roll < weight) return value;
            roll -= weight;
        }
        return choices[^1].Value;
    }

    private static string[] Row(Random random, int id, string institution, CatalogForms forms)
    {
        var topic = Pick(random, Topics);
        var title = Title(random, topic);
        var plain = forms == CatalogForms.Plain;
        var (language, languageCode) = Weighted(random, Languages);
        var (price, plainPrice) = Price(random);
        var (level, levelKebab) = Weighted(random, Levels);
        string rating = "", reviews = "";
        if (random.NextDouble() < 0.75)
        {
            rating = (3.5 + random.Next(16) / 10.0).ToString("0.0", CultureInfo.InvariantCulture);
            var count = (int)Math.Exp(random.NextDouble() * Math.Log(60_000));
            reviews = count.ToString(plain ? "0" : "#,0", CultureInfo.InvariantCulture);
        }
        var url = $"https://catalog.example.org/course/{Slugs.From(title, 80)}-{id.ToString("x", CultureInfo.InvariantCulture)}";
        return
        [
            title, Pick(random, Platforms), institution, plain ? languageCode : language, plain ? plainPrice : price,
            Duration(random), StartDate(random), plain ? levelKebab : level, rating, reviews, url, Description(random, topic),
        ];
    }

    private static string Title(Random random, string topic)
    {
        var title = random.Next(9) switch
        {
            0 => $"Introduction to {topic}",
            1 => $"{topic} for {Pick(random, Audiences)}",
            2 => $"{Pick(random, Adjectives)} {topic}",
            3 => $"{topic}: {Pick(random, Subtitles)}",
            4 => $"{topic} with {Pick(random, Tools)}",
            5 => $"{topic} with {Pick(random, Tools)}: {Pick(random, Subtitles)}",
            6 => $"{Pick(random, Adjectives)} {topic} for {Pick(random, Audiences)}",
            7 => random.Next(2) == 0 ? $"{topic} Specialization" : $"Professional Certificate in {topic}",
            _ => $"{topic} and {Pick(random, Topics)}",
        };
        return random.Next(12) switch
        {
            0 => $"{title} (2024 Edition)",
            1 => $"{title} - Part {random.Next(2, 4)}",
            _ => title,
        };
    }

    private static (string Written, string Plain) Price(Random random)
    {
        var dollars = Pick(random, Amounts);
        var certificate = Pick(random, CertificatePrices);
        return random.Next(100) switch
        {
            < 15 => (Invariant($"${dollars:#,0.00}"), Plain(dollars)),
            < 20 => (Invariant($"USD {dollars:0.##}"), Plain(dollars)),
            < 25 => (Invariant($"{dollars:0.##} USD"), Plain(dollars)),
            < 30 => (Invariant($"€{Math.Round(dollars * 0.9m):0}"), Plain(Math.Round(dollars * 0.9m))),
            < 34 => (Invariant($"£{dollars * 0.8m:#,0.00}"), Plain(dollars * 0.8m)),
            < 49 => ("Free", "0"),
            < 53 => ("Free Video", "0"),
            < 59 => ("Free Trial", ""),
            < 65 => ("Paid Course", ""),
            < 71 => ("Audit", ""),
            < 81 => (Invariant($"FREE-Add a Verified Certificate for ${certificate} USD"), Plain(certificate)),
            _ => ("", ""),
        };

        static string Plain(decimal d) => d.ToString("0.##", CultureInfo.InvariantCulture);
    }

    private static string Duration(Random random)
    {
        int a = random.Next(1, 4), b = random.Next(4, 9), minutes = random.Next(1, 59), months = random.Next(1, 7);
        return random.Next(100) switch
        {
            < 18 => $"{random.Next(2, 17)} Weeks",
            < 32 => $"{random.Next(3, 13)} weeks, {a}-{b} hours a week",
            < 38 => $"{random.Next(2, 9)} hours {minutes} minute{(minutes == 1 ? "" : "s")}",
            < 46 => $"{a}-{a + 1 + random.Next(3)} hours",
            < 54 => $"{random.Next(1, 40)}.5 total hours",
            < 58 => $"{Pick(random, (int[])[15, 30, 45, 50])} minutes",
            < 66 => $"{months} month{(months == 1 ? "" : "s")}",
            < 74 => $"{a}–{b} hours per week",
            < 82 => "On-Demand",
            < 90 => "Self-paced",
            _ => "",
        };
    }

    private static string StartDate(Random random)
    {
        var date = new DateOnly(2024, 1, 1).AddDays(random.Next(3 * 365));
        var day = date.Day.ToString(CultureInfo.InvariantCulture);
        var ordinal = date.Day is 1 or 21 or 31 ? "st" : date.Day is 2 or 22 ? "nd" : date.Day is 3 or 23 ? "rd" : "th";
        return random.Next(100) switch
        {
            < 20 => $"{day}{ordinal} {date.ToString("MMM", CultureInfo.InvariantCulture)}, {date.Year}",
            < 40 => date.ToString("MMM d, yyyy", CultureInfo.InvariantCulture),
            < 55 => date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
            < 70 => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            < 92 => "On-Demand",
            _ => "",
        };
    }

    /// <summary>Two to five sentences, a few hundred characters; some with a quoted phrase, some with line breaks or a bullet list.</summary>
    private static string Description(Random random, string topic)
    {
        var sb = new StringBuilder(600);
        var sentences = random.Next(2, 6);
        for (var i = 0; i < sentences; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(string.Format(CultureInfo.InvariantCulture, Pick(random, Sentences), topic, Pick(random, Tools), Pick(random, Audiences).ToLowerInvariant(), Pick(random, Topics)));
        }
        switch (random.Next(10))
        {
            case 0:
                sb.Append("\n\nWhat you'll learn:\n- ").Append(Pick(random, Topics)).Append("\n- ").Append(Pick(random, Tools)).Append(" in practice\n- A final project");
                break;
            case 1:
                sb.Append("\r\nNo prior experience is required, though some familiarity with ").Append(Pick(random, Tools)).Append(" helps.");
                break;
            case 2:
                sb.Append(" Learners call it \"the most practical course on ").Append(topic.ToLowerInvariant()).Append("\", and it shows.");
                break;
        }
        return sb.ToString();
    }

    /// <summary>Institutions as aggregators name them: demo providers first (some spelled differently), then new ones, about 300 in all.</summary>
    public static IReadOnlyList<string> Institutions(int seed = DefaultSeed)
    {
        var names = new List<string>(ExistingInstitutions);
        names.AddRange(KnownNewInstitutions);
        var folded = names.Select(ProviderAlias.Fold).ToHashSet(StringComparer.Ordinal);
        var random = new Random(seed * 31 + 7);
        while (names.Count < 300)
        {
            var city = Pick(random, Cities);
            var name = random.Next(7) switch
            {
                0 => $"University of {city}",
                1 => $"{city} Institute of Technology",
                2 => $"{city} Business School",
                3 => $"{city} College of Art and Design",
                4 => $"{city} Polytechnic",
                5 => $"{Pick(random, Surnames)} School of {Pick(random, Fields)}",
                _ => $"{Pick(random, Adjectives)} {Pick(random, Fields)} Academy",
            };
            if (folded.Add(ProviderAlias.Fold(name))) names.Add(name);
        }
        // Shuffled, so the most prolific institutions are a mix of known and new.
        var order = names.ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    /// <summary>Providers of the demo catalog, written the way an aggregator writes them ("The University of Michigan").</summary>
    public static readonly string[] ExistingInstitutions =
    [
        "Stanford University", "The University of Michigan", "Harvard University", "Imperial College London", "University of Helsinki",
        "DeepLearning.AI", "Google", "University of California San Diego", "The Hong Kong University of Science and Technology",
        "Khan Academy", "University of Oxford", "University of Warwick", "New York University", "California Institute of Technology",
        "The University of Texas at Austin", "University of Essex", "Kaggle", "The London School of Economics and Political Science",
    ];

    private static readonly string[] KnownNewInstitutions =
    [
        "École Polytechnique Fédérale de Lausanne", "Technische Universität München", "Universidad Nacional Autónoma de México",
        "Universidade de São Paulo", "Peking University", "Tsinghua University", "The University of Tokyo", "Seoul National University",
        "Indian Institute of Technology Bombay", "National University of Singapore", "University of Toronto", "McGill University",
        "University of Cape Town", "Sorbonne Université", "Universitat Politècnica de València", "Università Bocconi", "KU Leuven",
        "Delft University of Technology", "ETH Zürich", "University of Amsterdam", "Karolinska Institutet", "University of Copenhagen",
        "Tel Aviv University", "American University of Beirut", "Cairo University", "University of Nairobi",
        "Pontificia Universidad Católica de Chile", "Universidad de los Andes", "University of Sydney", "The Australian National University",
        "University of Auckland", "IBM", "Microsoft", "Amazon Web Services", "Duke University", "Yale University", "Johns Hopkins University",
        "University of Pennsylvania", "Georgia Institute of Technology", "University of Illinois Urbana-Champaign", "University of Colorado Boulder",
        "Macquarie University", "Fundação Getulio Vargas", "Université de Montréal", "Universität Wien", "Jagiellonian University",
        "Politecnico di Milano", "Universidad Carlos III de Madrid", "University of Edinburgh", "University of Leeds",
    ];

    private static readonly string[] Platforms = ["Coursera", "edX", "FutureLearn", "Udemy", "Swayam", "Canvas Network", "Kadenze", "Independent"];

    private static readonly (int, (string, string))[] Languages =
    [
        (70, ("English", "en")), (8, ("Español", "es")), (5, ("Français", "fr")), (3, ("Deutsch", "de")), (4, ("Português", "pt")),
        (4, ("中文", "zh")), (2, ("日本語", "ja")), (2, ("العربية", "ar")), (2, ("हिन्दी", "hi")),
    ];

    private static readonly (int, (string, string))[] Levels =
    [
        (12, ("Introductory", "beginner")), (22, ("Beginner Level", "beginner")), (20, ("All Levels", "all")),
        (20, ("Intermediate Level", "intermediate")), (8, ("Expert Level", "advanced")), (8, ("Mixed", "all")), (10, ("", "")),
    ];

    private static readonly decimal[] Amounts = [9.99m, 12.99m, 19.99m, 29m, 39m, 49m, 79m, 99m, 149m, 199m, 299m, 450m, 895m, 1481m, 2500m];
    private static readonly int[] CertificatePrices = [29, 39, 49, 79, 99, 149, 199];

    private static readonly string[] Topics =
    [
        "Machine Learning", "Deep Learning", "Data Science", "Statistics", "Probability", "Linear Algebra", "Calculus",
        "Python Programming", "R Programming", "SQL", "Data Visualization", "Natural Language Processing", "Computer Vision",
        "Reinforcement Learning", "Bayesian Statistics", "Time Series Analysis", "Econometrics", "Optimization",
        "Cloud Computing", "Cybersecurity", "Web Development", "JavaScript", "Mobile App Development", "Project Management",
        "Digital Marketing", "Financial Accounting", "Corporate Finance", "Supply Chain Management", "Public Health",
        "Epidemiology", "Climate Science", "Renewable Energy", "Organic Chemistry", "Molecular Biology", "Neuroscience",
        "Psychology", "Behavioral Economics", "Game Theory", "Philosophy of Mind", "Creative Writing", "Music Theory",
        "Graphic Design", "UX Design", "Product Management", "Entrepreneurship", "Leadership", "Negotiation",
        "Data Engineering", "Big Data", "Generative AI", "Prompt Engineering", "Robotics", "Embedded Systems",
        "Quantum Computing", "Blockchain", "Algorithms", "Data Structures", "Operating Systems", "Computer Networks",
        "Database Systems", "Software Testing", "DevOps", "Discrete Mathematics", "Numerical Methods", "Signal Processing",
        "Spanish Language", "Mandarin Chinese", "Academic English", "Public Speaking", "Business Analytics",
    ];

    private static readonly string[] Tools =
    [
        "Python", "R", "Excel", "Tableau", "Power BI", "TensorFlow", "PyTorch", "scikit-learn", "pandas", "NumPy", "Spark",
        "Hadoop", "AWS", "Azure", "Google Cloud", "Docker", "Kubernetes", "Git", "Linux", "JavaScript", "React", "Java",
        "C++", "Julia", "MATLAB", "Stata", "SPSS", "SQL", "Figma", "Arduino", "Unity", "Jupyter", "Hugging Face", "Kotlin", "Swift",
    ];

    private static readonly string[] Audiences =
    [
        "Beginners", "Everyone", "Managers", "Data Analysts", "Software Engineers", "Healthcare Professionals", "Teachers",
        "Researchers", "Product Managers", "Marketers", "Designers", "Executives", "Students", "Scientists", "Lawyers",
        "Journalists", "Economists", "Nurses", "Engineers", "Career Changers",
    ];

    private static readonly string[] Adjectives =
    [
        "Applied", "Practical", "Advanced", "Foundations of", "Essential", "Modern", "Hands-On", "Fundamentals of", "Mastering", "Intermediate",
    ];

    private static readonly string[] Subtitles =
    [
        "From Theory to Practice", "A Complete Guide", "The Fundamentals", "Concepts and Applications", "Zero to Hero",
        "Building Real Projects", "An Applied Approach", "Methods and Tools", "Case Studies", "A Gentle Introduction",
        "Beyond the Basics", "Principles and Practice", "For the Real World", "Core Concepts", "Step by Step",
        "Tips, Tricks and Techniques", "What Every Professional Should Know", "Design and Analysis", "Models and Methods",
        "A Project-Based Course", "The Complete Bootcamp", "Crash Course", "Theory, Algorithms and Applications",
        "Frameworks and Best Practices", "Getting Started",
    ];

    private static readonly string[] Sentences =
    [
        "This course introduces {0}, with worked examples in {1}, quizzes, and a capstone project.",
        "Designed for {2}, it covers the core ideas of {0} and how they connect to {3}.",
        "You will learn to apply {0} to real data sets, build models in {1}, and communicate results clearly.",
        "Each week combines short videos, readings, and hands-on labs; expect 3 to 5 hours of work.",
        "By the end, you will be able to explain the main results of {0}, implement them in {1}, and judge their limits.",
        "Taught by experienced instructors, the course draws on case studies from industry, government, and research.",
        "No prior knowledge of {3} is needed, but comfort with basic algebra and {1} is helpful.",
        "Topics include the history of {0}, key methods, common pitfalls, and current debates.",
        "Learners who complete all graded assignments can earn a shareable certificate.",
        "The final project asks you to design, build, and present a small {0} application of your own.",
    ];

    private static readonly string[] Cities =
    [
        "Aberdeen", "Adelaide", "Ankara", "Antwerp", "Athens", "Auckland", "Austin", "Bangalore", "Barcelona", "Belgrade",
        "Bergen", "Bilbao", "Bologna", "Bordeaux", "Bratislava", "Brisbane", "Brno", "Bucharest", "Budapest", "Buenos Aires",
        "Calgary", "Cardiff", "Chennai", "Cologne", "Coimbra", "Cork", "Dresden", "Dublin", "Durban", "Edmonton", "Eindhoven",
        "Florence", "Frankfurt", "Geneva", "Ghent", "Glasgow", "Gothenburg", "Graz", "Groningen", "Hamburg", "Hanoi", "Heidelberg",
        "Helsinki Metropolia", "Hyderabad", "Innsbruck", "Istanbul", "Jakarta", "Kraków", "Kyoto", "Lagos", "Leipzig", "Lille",
        "Lisbon", "Ljubljana", "Lyon", "Madrid", "Malmö", "Manchester", "Marseille", "Melbourne", "Milan", "Monterrey", "Montpellier",
        "Mumbai", "Munich", "Nantes", "Naples", "Nottingham", "Osaka", "Oslo", "Ottawa", "Padua", "Porto", "Prague", "Pune",
        "Quito", "Reykjavík", "Riga", "Rotterdam", "Salzburg", "Santiago", "Seville", "Sheffield", "Stuttgart", "Tallinn",
        "Tampere", "Toulouse", "Trieste", "Turin", "Utrecht", "Uppsala", "Valencia", "Vilnius", "Warsaw", "Wellington", "Wrocław",
        "York", "Zagreb", "Zaragoza", "Zurich Applied Sciences",
    ];

    private static readonly string[] Surnames =
    [
        "Adler", "Baxter", "Castellanos", "Dubois", "Eriksen", "Fischer", "Gallagher", "Haddad", "Ishikawa", "Janssen", "Kowalski",
        "Lindqvist", "Moreau", "Novak", "O'Connell", "Petrov", "Quinn", "Rossi", "Sato", "Takahashi", "Underwood", "Varga", "Weber",
    ];

    private static readonly string[] Fields =
    [
        "Data Science", "Management", "Engineering", "Design", "Public Policy", "Health Sciences", "Computing", "Finance",
        "Languages", "Music", "Economics", "Journalism", "Law", "Education", "Analytics",
    ];

    /// <summary>Counts what passes through, so the size is known without buffering the file.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Written { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Written += buffer.Length;
        }
    }
}
