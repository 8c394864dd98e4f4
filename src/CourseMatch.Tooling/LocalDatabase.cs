namespace CourseMatch.Tooling;

/// <summary>Where a developer's commands find the database when no host configuration says so.</summary>
public static class LocalDatabase
{
    /// <summary>
    /// The connection string for CLI commands: ConnectionStrings__CourseMatch when set, otherwise the local
    /// cluster that run.sh keeps under COURSEMATCH_DATA (default .data), started first when it is stopped.
    /// </summary>
    public static async Task<string> ResolveConnectionStringAsync(CancellationToken ct = default)
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__CourseMatch");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        var data = Environment.GetEnvironmentVariable("COURSEMATCH_DATA") is { Length: > 0 } d ? d : ".data";
        var portFile = Path.Combine(data, "pg.port");
        if (!File.Exists(portFile) || !int.TryParse((await File.ReadAllTextAsync(portFile, ct)).Trim(), out var port))
            throw new InvalidOperationException(
                $"No database configured: set ConnectionStrings__CourseMatch, or create the local one with ./run.sh (looked for {Path.GetFullPath(portFile)}).");
        // The CLI may run while run.sh is not: start the cluster it manages rather than fail to connect.
        await LocalPostgres.StartManagedIfStoppedAsync(data, port, ct);
        // run.sh's clusters take SCRAM passwords (scripts/local-postgres.sh): the app role's is in the pgpass file
        // beside the data. A cluster without that file is one an older run.sh made with trust, not yet moved over.
        var passfile = Path.GetFullPath(Path.Combine(data, "pgpass"));
        return File.Exists(passfile)
            ? $"Host=127.0.0.1;Port={port};Username=coursematch;Database=coursematch;Passfile={passfile}"
            : $"Host=127.0.0.1;Port={port};Username=postgres;Database=coursematch";
    }
}
