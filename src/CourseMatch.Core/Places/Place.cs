namespace CourseMatch.Places;

/// <summary>A city from the GeoNames gazetteer (population ≥ 15,000), so distances are distances, not string matches.</summary>
public class Place
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string AsciiName { get; set; }
    /// <summary>ISO 3166-1 alpha-2.</summary>
    public required string Country { get; set; }
    public string? Admin1 { get; set; }
    public double Latitude { get; set; }
    public double Longitude { get; set; }
    public int Population { get; set; }

    /// <summary>Great-circle distance in kilometres (haversine).</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        const double R = 6371.0;
        double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * R * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}

/// <summary>Currency → USD rate, maintained by admins and seeded with approximate values.</summary>
public class ExchangeRate
{
    public required string Currency { get; set; }
    /// <summary>How many US dollars one unit of the currency buys.</summary>
    public decimal UsdPerUnit { get; set; }
    public DateOnly AsOf { get; set; }
}
