using CourseMatch.Catalog;
using Npgsql;

namespace CourseMatch.Data.Seed;

/// <summary>
/// A deterministic synthetic catalog for scale work (benchmarks), loaded with binary COPY. Its courses
/// use the slug prefix "syn-" and providers "synthetic-", so they are never confused with the demo catalog.
/// </summary>
/// <remarks>
/// Word frequencies are designed so the benchmark's query classes mean the same thing at every size:
/// "data" is in about 80% of courses (frequent), each topic phrase in about 1.5% (mid-frequency),
/// each rare word in about 0.05%.
/// </remarks>
public static class SyntheticCatalog
{
    public const string SlugPrefix = "syn-";
    public const string FrequentWord = "data";
    public static readonly string[] RareWords = ["wasserstein", "ergodic", "quaternion", "hilbert", "martingale"];

    // Filled to the line width: the order matters (a seeded Random picks by index), the line breaks do not.
    private static readonly string[] Topics =
    [
        "Linear Algebra", "Matrix Calculus", "Multivariable Calculus", "Probability Theory", "Bayesian Statistics",
        "Statistical Inference", "Discrete Mathematics", "Graph Theory", "Convex Optimization", "Numerical Methods",
        "Python Programming", "Data Analysis with Pandas", "Machine Learning", "Deep Learning", "Neural Networks",
        "Reinforcement Learning", "Time Series Forecasting", "Regression Models", "Information Theory",
        "Causal Inference", "Natural Language Processing", "Computer Vision", "Dimensionality Reduction",
        "Stochastic Processes", "Gradient Methods", "Monte Carlo Methods", "Experimental Design", "Hypothesis Testing",
        "Real Analysis", "Eigenvalues and Eigenvectors", "Kernel Methods", "Decision Trees and Ensembles", "Clustering",
        "Recommender Systems", "Generative Models", "Scientific Computing", "Algorithms and Complexity",
        "Combinatorics", "Applied Statistics", "Bayesian Optimization", "Markov Chains", "Support Vector Machines",
        "Tensor Calculus", "Optimization for Machine Learning", "Statistical Learning", "Probabilistic Programming",
        "Linear Regression", "Feature Engineering", "Model Evaluation", "Matrix Factorization", "Graph Neural Networks",
        "Sampling Methods", "Variational Inference", "Functional Programming in Python", "SQL for Data Science",
        "Data Visualisation", "Numerical Linear Algebra", "Differential Equations", "Game Theory", "Signal Processing",
    ];
    private static readonly string[] Openers = ["Introduction to", "Foundations of", "Applied", "Advanced", "Practical", "Essential", "Modern", "Hands-on"];
    private static readonly string[] Cities = ["London", "New York", "San Francisco", "Berlin", "Paris", "Toronto", "Singapore", "Sydney", "Bangalore", "Boston", "Madrid", "Amsterdam"];
    private static readonly string[] CityCountries = ["GB", "US", "US", "DE", "FR", "CA", "SG", "AU", "IN", "US", "ES", "NL"];
    private static readonly string[] Languages = ["en", "en", "en", "en", "en", "en", "es", "fr", "de", "pt"];
    private static readonly string[] Currencies = ["USD", "USD", "USD", "GBP", "EUR"];

    /// <summary>
    /// From this many rows on, a load drops the secondary indexes of courses and course_skills, copies, and
    /// builds them again from their definitions: building a GIN index once is far cheaper than maintaining it row by row.
    /// </summary>
    public const int RebuildIndexesFrom = 100_000;

    /// <summary>Adds <paramref name="count"/> synthetic courses (with their skills) by binary COPY.</summary>
    /// <remarks>
    /// A large load (at least <see cref="RebuildIndexesFrom"/> rows) runs in one transaction: the secondary indexes
    /// (not the primary keys, nor unique indexes, which keep checking the rows) are dropped and rebuilt with a larger
    /// maintenance_work_mem, so a failure at any point rolls back to the catalog as it was, indexes included.
    /// Meanwhile readers of courses wait for the load to finish. A smaller load copies in autocommitted batches.
    /// </remarks>
    public static async Task<int> LoadAsync(NpgsqlDataSource db, int count, Action<int>? progress = null, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var skillIds = new List<(int Id, string Name)>();
        await using (var cmd = new NpgsqlCommand("SELECT id, name FROM skills ORDER BY id", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) skillIds.Add((r.GetInt32(0), r.GetString(1)));
        if (skillIds.Count == 0) throw new InvalidOperationException("Seed the skills taxonomy first (coursematch seed).");

        var providerIds = await EnsureProvidersAsync(conn, ct);
        long firstId;
        await using (var cmd = new NpgsqlCommand("SELECT coalesce(max(id), 0) + 1 FROM courses", conn))
            firstId = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
        int existing;
        await using (var cmd = new NpgsqlCommand($"SELECT count(*) FROM courses WHERE slug LIKE '{SlugPrefix}%'", conn))
            existing = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));

        await using var tx = count >= RebuildIndexesFrom ? await conn.BeginTransactionAsync(ct) : null;
        var dropped = tx is null ? [] : await DropSecondaryIndexesAsync(conn, ct);

        var rng = new Random(20261124 + existing);
        var created = DateTimeOffset.UtcNow.AddYears(-3);
        const int batch = 50_000;
        for (var start = 0; start < count; start += batch)
        {
            var n = Math.Min(batch, count - start);
            var rows = Enumerable.Range(0, n).Select(i => Make(rng, firstId + start + i, existing + start + i, providerIds, skillIds, created)).ToList();
            await using (var writer = await conn.BeginBinaryImportAsync("""
                COPY courses (id, slug, title, provider_id, kind, summary, description, url, format, pacing, city, country,
                              duration_weeks, hours_per_week, total_hours, price, currency, free_to_audit, level, language,
                              certificate, rating, rating_count, status, source, as_of, created_at, search_keywords, skills_status)
                FROM STDIN (FORMAT BINARY)
                """, ct))
            {
                // One value a column, in the order of the column list above. The values' CLR types give their
                // PostgreSQL types (int integer, string text, which is varchar's binary form too); null writes NULL.
                var asOf = DateOnly.FromDateTime(DateTime.UtcNow);
                foreach (var c in rows)
                    await writer.WriteRowAsync(ct,
                        (int)c.Id, c.Slug, c.Title, c.ProviderId, c.Kind, c.Summary, c.Description, c.Url, c.Format, c.Pacing, c.City, c.Country,
                        c.Weeks, c.HoursPerWeek, c.TotalHours, c.Price, c.Currency, c.FreeToAudit, c.Level, c.Language,
                        c.Certificate, c.Rating, c.RatingCount, "Published", "synthetic", asOf, c.Created, c.Keywords, nameof(SkillsStatus.Confirmed));
                await writer.CompleteAsync(ct);
            }
            await using (var writer = await conn.BeginBinaryImportAsync("COPY course_skills (course_id, skill_id, level) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var c in rows)
                    foreach (var (skill, level) in c.Skills)
                        await writer.WriteRowAsync(ct, (int)c.Id, skill, level);
                await writer.CompleteAsync(ct);
            }
            progress?.Invoke(start + n);
        }
        foreach (var definition in dropped)
        {
            await using var cmd = new NpgsqlCommand(definition, conn) { CommandTimeout = 3600 };
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand("SELECT setval(pg_get_serial_sequence('courses', 'id'), (SELECT max(id) FROM courses)); ANALYZE courses; ANALYZE course_skills;", conn))
        {
            cmd.CommandTimeout = 600;
            await cmd.ExecuteNonQueryAsync(ct);
        }
        if (tx is not null) await tx.CommitAsync(ct);
        return count;
    }

    /// <summary>
    /// Drops the indexes of courses and course_skills that only serve reads (inside the caller's transaction) and
    /// returns their definitions, to be run again after the load. Primary keys, unique indexes and indexes behind
    /// constraints stay.
    /// </summary>
    private static async Task<List<string>> DropSecondaryIndexesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var indexes = new List<(string Name, string Definition)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT format('%I.%I', ix.schemaname, ix.indexname), ix.indexdef
            FROM pg_indexes ix
            JOIN pg_class c ON c.relname = ix.indexname
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = ix.schemaname
            JOIN pg_index i ON i.indexrelid = c.oid
            WHERE ix.schemaname = current_schema() AND ix.tablename IN ('courses', 'course_skills')
              AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
            ORDER BY ix.tablename, ix.indexname
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) indexes.Add((r.GetString(0), r.GetString(1)));
        // Room for sorting: the rebuilt GIN and btree indexes then build in memory. SET LOCAL ends with the transaction.
        await using (var cmd = new NpgsqlCommand("SET LOCAL maintenance_work_mem = '512MB'", conn))
            await cmd.ExecuteNonQueryAsync(ct);
        foreach (var (name, _) in indexes)
        {
            await using var cmd = new NpgsqlCommand($"DROP INDEX {name}", conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return indexes.Select(ix => ix.Definition).ToList();
    }

    private static async Task<int[]> EnsureProvidersAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO providers (slug, name, kind, website, country)
            SELECT 'synthetic-' || lpad(i::text, 3, '0'), 'Synthetic Provider ' || lpad(i::text, 3, '0'),
                   (ARRAY['University','Bootcamp','Platform','Nonprofit','Publisher'])[1 + i % 5], NULL, NULL
            FROM generate_series(1, 200) i
            ON CONFLICT (slug) DO NOTHING
            """, conn))
            await cmd.ExecuteNonQueryAsync(ct);
        var ids = new List<int>();
        await using (var cmd = new NpgsqlCommand("SELECT id FROM providers WHERE slug LIKE 'synthetic-%' ORDER BY id", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) ids.Add(r.GetInt32(0));
        return [.. ids];
    }

    private sealed record Row(long Id, string Slug, string Title, int ProviderId, string Kind, string Summary, string Description,
        string Url, string Format, string Pacing, string? City, string? Country, int? Weeks, decimal? HoursPerWeek, decimal? TotalHours,
        decimal Price, string Currency, bool FreeToAudit, string Level, string Language, bool Certificate, decimal? Rating,
        int RatingCount, DateTimeOffset Created, string Keywords, List<(int Skill, int Level)> Skills);

    private static Row Make(Random rng, long id, int ordinal, int[] providers, List<(int Id, string Name)> skills, DateTimeOffset created)
    {
        var topic = Topics[rng.Next(Topics.Length)];
        var second = Topics[rng.Next(Topics.Length)];
        var title = $"{Openers[rng.Next(Openers.Length)]} {topic}";
        var words = new List<string> { $"A course on {topic.ToLowerInvariant()} with worked examples and exercises." };
        if (rng.NextDouble() < 0.8) words.Add($"Uses real {FrequentWord} sets throughout.");
        if (rng.NextDouble() < 0.3) words.Add($"Touches on {second.ToLowerInvariant()}.");
        foreach (var rare in RareWords)
            if (rng.NextDouble() < 0.0005) words.Add($"Includes a unit on {rare} methods.");
        var summary = string.Join(' ', words);

        var formatRoll = rng.NextDouble();
        var format = formatRoll < 0.15 ? "InPerson" : formatRoll < 0.22 ? "Hybrid" : "Online";
        var cityIndex = rng.Next(Cities.Length);
        var free = rng.NextDouble() < 0.25 && format == "Online";
        var price = free ? 0m : Math.Round((decimal)(rng.NextDouble() * rng.NextDouble() * 5000 + 20));
        var weeks = rng.Next(1, 30);
        var skillCount = rng.Next(1, 4);
        var picked = skills.OrderBy(_ => rng.Next()).Take(skillCount).ToList();
        var courseSkills = picked.Select(s => (s.Id, rng.Next(1, 5))).ToList();
        var rated = rng.NextDouble() < 0.7;
        return new Row(
            id, $"{SlugPrefix}{ordinal + 1:D7}", title, providers[rng.Next(providers.Length)],
            (new[] { "Course", "Course", "Course", "Program", "Bootcamp", "Seminar", "Book" })[rng.Next(7)],
            summary, $"**{title}** — synthetic description for load testing.\n\n- {topic}\n- {second}",
            $"https://example.org/courses/{ordinal + 1}", format, rng.NextDouble() < 0.6 ? "SelfPaced" : "Scheduled",
            format == "Online" ? null : Cities[cityIndex], format == "Online" ? null : CityCountries[cityIndex],
            weeks, rng.Next(2, 15), null, price, free ? "USD" : Currencies[rng.Next(Currencies.Length)],
            !free && rng.NextDouble() < 0.2, (new[] { "Beginner", "Intermediate", "Advanced", "All" })[rng.Next(4)],
            Languages[rng.Next(Languages.Length)], rng.NextDouble() < 0.5,
            rated ? Math.Round((decimal)(3 + rng.NextDouble() * 2), 1) : null, rated ? rng.Next(1, 50_000) : 0,
            created.AddMinutes(rng.Next(0, 1_500_000)),
            $"Synthetic Provider {string.Join(' ', picked.Select(s => s.Name))}", courseSkills);
    }
}
