using System.Threading.RateLimiting;
using Npgsql;
using StackExchange.Redis;

namespace CourseMatch.Web.Features.Account;

/// <summary>
/// Hit counters in fixed windows that every instance shares: in Redis when <c>CourseMatch:Redis</c> is configured,
/// in PostgreSQL (<c>rate_limit_windows</c>) otherwise or while Redis does not answer. Windows are aligned to the clock
/// (minute 12:03 is one window everywhere), so two instances count into the same window without talking to each other.
/// </summary>
public sealed class SharedCounters(NpgsqlDataSource primary, SharedCounters.RedisConnection redis, TimeProvider clock, ILogger<SharedCounters> log)
{
    /// <summary>The Redis connection, or none. A record so DI can hold "no Redis" as a value.</summary>
    public sealed record RedisConnection(IConnectionMultiplexer? Multiplexer);

    /// <summary>Counts one hit for <paramref name="key"/>; returns the hits in the current window and when it ends.</summary>
    public async ValueTask<(long Hits, TimeSpan ResetIn)> HitAsync(string key, TimeSpan window, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var index = now.ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;
        var start = DateTimeOffset.FromUnixTimeMilliseconds(index * (long)window.TotalMilliseconds);
        var resetIn = start + window - now;

        if (redis.Multiplexer is { } mux)
        {
            try
            {
                var db = mux.GetDatabase();
                var redisKey = new RedisKey($"coursematch:limit:{key}:{index}");
                var hits = await db.StringIncrementAsync(redisKey);
                if (hits == 1) await db.KeyExpireAsync(redisKey, window * 2);
                return (hits, resetIn);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                log.LogWarning("Redis does not answer ({Error}): counting {Key} in PostgreSQL.", e.Message, key);
            }
        }

        await using var cmd = primary.CreateCommand("""
            WITH hit AS (
                INSERT INTO rate_limit_windows (key, window_start, hits) VALUES (@key, @start, 1)
                ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1
                RETURNING hits),
            old AS (DELETE FROM rate_limit_windows WHERE window_start < @start - @window * 2)
            SELECT hits FROM hit
            """);
        cmd.Parameters.AddWithValue("key", key);
        cmd.Parameters.AddWithValue("start", start);
        cmd.Parameters.AddWithValue("window", window);
        var counted = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
        return (counted, resetIn);
    }

    /// <summary>Connects to Redis when configured; a Redis that is down at start is retried in the background.</summary>
    public static RedisConnection Connect(IConfiguration configuration)
    {
        var setting = configuration["CourseMatch:Redis"];
        if (string.IsNullOrWhiteSpace(setting)) return new RedisConnection(null);
        var options = ConfigurationOptions.Parse(setting);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = options.AsyncTimeout = 2000;
        // While Redis is away, fail at once (and count in PostgreSQL) rather than hold a sign-in until a timeout.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName = "coursematch";
        return new RedisConnection(ConnectionMultiplexer.Connect(options));
    }
}

/// <summary>
/// A fixed-window limit over <see cref="SharedCounters"/>, one per partition key. It keeps no state of its own: each
/// attempt is one round trip to the shared counter, which is fine for sign-in attempts, not for every request.
/// </summary>
public sealed class SharedWindowLimiter(SharedCounters counters, string key, int permitLimit, TimeSpan window) : RateLimiter
{
    // Nothing to keep between attempts: the partitioned limiter may drop this object whenever it likes.
    public override TimeSpan? IdleDuration => TimeSpan.MaxValue;

    public override RateLimiterStatistics? GetStatistics() => null;

    // The synchronous attempt cannot reach the counter: saying "not yet" makes the middleware ask asynchronously.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken ct)
    {
        var (hits, resetIn) = await counters.HitAsync(key, window, ct);
        return hits <= permitLimit ? Lease.Granted : Lease.Refused(resetIn);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease NotYet = new(false, null);
        public static Lease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
