namespace CourseMatch.Operations;

/// <summary>
/// A signed-in session, kept in the database rather than in the cookie: the cookie carries only <see cref="Id"/>, so
/// signing out (deleting the row) ends the session on every instance at once. The ticket is protected with the
/// shared data-protection keys before it is stored.
/// </summary>
public sealed class AuthSession
{
    public Guid Id { get; set; }
    public required string UserId { get; set; }
    public required byte[] Ticket { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>
/// Where a background run of one kind (ranker training, tagger training) stands, for every instance to read:
/// its state as JSON, which instance runs it, and when that instance last said it was alive.
/// </summary>
public sealed class JobRun
{
    public required string Kind { get; set; }
    public required string State { get; set; }
    public string? Instance { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One fixed window of a shared rate limit (sign-in attempts per client address) when no Redis is configured.</summary>
public sealed class RateLimitWindow
{
    public required string Key { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public int Hits { get; set; }
}
