using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Data;

/// <summary>
/// Where read-only public queries go (catalog search, course pages, recommendation candidates): the streaming
/// standby when one is configured and fresh, the primary otherwise. Writes, admin and advisor pages never come
/// here: they use the primary, so an admin sees their own edit at once.
/// </summary>
/// <remarks>
/// The standby source is Npgsql's multi-host "prefer standby" view of the same hosts, so a standby that is down
/// costs no error: Npgsql opens the connection on the primary instead. A standby that answers but lags is
/// something Npgsql cannot see; <see cref="Route"/> (called by the replica monitor) takes it out of use until it
/// catches up. Without a standby both views are the primary.
/// </remarks>
public sealed class ReadDatabase : IDbContextFactory<CourseMatchDb>
{
    private readonly NpgsqlDataSource primary;
    private readonly NpgsqlDataSource? standby;
    private readonly DbContextOptions<CourseMatchDb> primaryOptions;
    private readonly DbContextOptions<CourseMatchDb>? standbyOptions;
    private volatile bool standbyInUse;

    public ReadDatabase(NpgsqlDataSource primary, NpgsqlDataSource? standby = null)
    {
        this.primary = primary;
        this.standby = standby;
        primaryOptions = OptionsFor(primary);
        if (standby is not null)
        {
            standbyOptions = OptionsFor(standby);
            standbyInUse = true;
        }
    }

    /// <summary>Reads on the primary only: the CLI, the tests and the bench, which have no standby.</summary>
    public static ReadDatabase PrimaryOnly(NpgsqlDataSource primary) => new(primary);

    public bool HasStandby => standby is not null;

    /// <summary>True while reads go to the standby (when it is up; Npgsql falls back to the primary when it is not).</summary>
    public bool StandbyInUse => standbyInUse;

    public NpgsqlDataSource DataSource => standbyInUse ? standby! : primary;

    /// <summary>Sends reads to the standby (<paramref name="standbyFresh"/>) or back to the primary.</summary>
    public void Route(bool standbyFresh) => standbyInUse = standbyFresh && standby is not null;

    /// <summary>
    /// Runs a read (which reaches the database through <see cref="DataSource"/> or <see cref="CreateDbContext"/>) and,
    /// when its connection failed because the server behind it went away (a standby stopped, a primary restarted: the
    /// pooled connections to it are dead), empties the pool and runs it once more — on the primary if it was the
    /// standby — so the visitor sees an answer, not an error. The replica monitor moves reads back to the standby once
    /// it answers again.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        var source = DataSource;
        try { return await read(); }
        catch (Exception e) when (IsConnectionFault(e))
        {
            if (source == standby) Route(false);
            source.Clear(); // drop the idle connections that died with the server
            return await read();
        }
    }

    /// <summary>The connection, not the statement, failed: the server shut down, crashed, is starting, or the socket broke.</summary>
    public static bool IsConnectionFault(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: "57P01" or "57P02" or "57P03" }) return true;
            if (e is NpgsqlException { IsTransient: true } and not PostgresException) return true;
            if (e is System.Net.Sockets.SocketException or IOException or TimeoutException) return true;
        }
        return false;
    }

    public CourseMatchDb CreateDbContext() => new(standbyInUse ? standbyOptions! : primaryOptions);

    public Task<CourseMatchDb> CreateDbContextAsync(CancellationToken ct = default) => Task.FromResult(CreateDbContext());

    private static DbContextOptions<CourseMatchDb> OptionsFor(NpgsqlDataSource source)
    {
        var options = new DbContextOptionsBuilder<CourseMatchDb>();
        CourseMatchDb.Configure(options, source);
        return options.Options;
    }
}
