using System.IO.Compression;
using Npgsql;

namespace CourseMatch.Places;

/// <summary>Loads the shipped GeoNames cities and resolves "city, country" to a place.</summary>
public static class Gazetteer
{
    /// <summary>Common English names that GeoNames spells differently.</summary>
    internal static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["New York"] = "New York City", ["NYC"] = "New York City", ["Bangalore"] = "Bengaluru",
        ["Bombay"] = "Mumbai", ["Calcutta"] = "Kolkata", ["Madras"] = "Chennai", ["Peking"] = "Beijing",
        ["Washington DC"] = "Washington, D.C.", ["Washington"] = "Washington, D.C.", ["SF"] = "San Francisco",
    };

    /// <summary>Approximate USD rates (mid-2025) so budgets and prices in different currencies can be compared.</summary>
    private static readonly (string Currency, decimal UsdPerUnit)[] SeedRates =
    [
        ("USD", 1m), ("EUR", 1.08m), ("GBP", 1.27m), ("CAD", 0.73m), ("AUD", 0.66m), ("NZD", 0.60m), ("SGD", 0.74m),
        ("HKD", 0.128m), ("INR", 0.012m), ("CHF", 1.13m), ("JPY", 0.0067m), ("CNY", 0.138m), ("SEK", 0.095m),
        ("NOK", 0.093m), ("DKK", 0.145m), ("PLN", 0.25m), ("BRL", 0.18m), ("MXN", 0.055m), ("ZAR", 0.055m), ("KRW", 0.00072m),
    ];

    public static async Task SeedAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM places", conn))
        {
            if ((long)(await count.ExecuteScalarAsync(ct))! == 0)
            {
                await using var gz = new GZipStream(
                    typeof(Gazetteer).Assembly.GetManifestResourceStream("CourseMatch.Seed.places.csv.gz")
                        ?? throw new InvalidOperationException("The gazetteer is not embedded in CourseMatch.Core."),
                    CompressionMode.Decompress);
                using var reader = new StreamReader(gz);
                await using var writer = await conn.BeginTextImportAsync(
                    "COPY places (id, name, ascii_name, country, admin1, latitude, longitude, population) FROM STDIN (FORMAT csv, HEADER true)", ct);
                await writer.WriteAsync(await reader.ReadToEndAsync(ct));
            }
        }
        await using var rates = new NpgsqlCommand(
            "INSERT INTO exchange_rates (currency, usd_per_unit, as_of) SELECT unnest(@c), unnest(@r), DATE '2025-06-30' ON CONFLICT (currency) DO NOTHING", conn);
        rates.Parameters.AddWithValue("c", SeedRates.Select(r => r.Currency).ToArray());
        rates.Parameters.AddWithValue("r", SeedRates.Select(r => r.UsdPerUnit).ToArray());
        await rates.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Points courses with a city at their gazetteer place (the most populous match in the country).</summary>
    public static async Task LocateCoursesAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE courses c SET place_id = m.id
            FROM (
                SELECT DISTINCT ON (cc.city, cc.country) cc.city, cc.country, p.id
                FROM (SELECT DISTINCT city, country FROM courses WHERE city IS NOT NULL AND place_id IS NULL) cc
                LEFT JOIN unnest(@src, @dst) AS a(src, dst) ON lower(a.src) = lower(cc.city)
                JOIN places p ON p.country = cc.country
                     AND (lower(p.name) = lower(coalesce(a.dst, cc.city)) OR lower(p.ascii_name) = lower(coalesce(a.dst, cc.city)))
                ORDER BY cc.city, cc.country, p.population DESC) m
            WHERE c.city = m.city AND c.country = m.country AND c.place_id IS NULL
            """);
        cmd.CommandTimeout = 600;
        cmd.Parameters.AddWithValue("src", Aliases.Keys.ToArray());
        cmd.Parameters.AddWithValue("dst", Aliases.Values.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public sealed record Match(int Id, string Name, string Country, string? Admin1, double Latitude, double Longitude);

    /// <summary>The most populous place called <paramref name="city"/> in <paramref name="country"/>, or null.</summary>
    public static async Task<Match?> FindAsync(NpgsqlDataSource db, string city, string country, CancellationToken ct = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(FindCommand(city, country));
        await using var r = await batch.ExecuteReaderAsync(ct);
        return await ReadMatchAsync(r, ct);
    }

    /// <summary>The lookup as a batch command, so recommending can read it with the other facts it needs.</summary>
    internal static NpgsqlBatchCommand FindCommand(string city, string country)
    {
        var name = Aliases.TryGetValue(city.Trim(), out var alias) ? alias : city.Trim();
        return new NpgsqlBatchCommand("""
            SELECT id, name, country, admin1, latitude, longitude FROM places
            WHERE country = upper($2) AND (lower(name) = lower($1) OR lower(ascii_name) = lower($1))
            ORDER BY population DESC LIMIT 1
            """) { Parameters = { new() { Value = name }, new() { Value = country.Trim() } } };
    }

    internal static async Task<Match?> ReadMatchAsync(NpgsqlDataReader r, CancellationToken ct) =>
        await r.ReadAsync(ct)
            ? new Match(r.GetInt32(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetDouble(4), r.GetDouble(5))
            : null;

    /// <summary>Up to five similarly spelled cities, to suggest when a name is not found.</summary>
    public static async Task<List<string>> SuggestAsync(NpgsqlDataSource db, string city, string? country, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT name || ', ' || country FROM places
            WHERE ascii_name % @name AND (@country = '' OR country = upper(@country))
            ORDER BY similarity(ascii_name, @name) DESC, population DESC LIMIT 5
            """);
        cmd.Parameters.AddWithValue("name", city.Trim());
        cmd.Parameters.AddWithValue("country", country?.Trim() ?? "");
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }
}
