namespace CourseMatch.Web.Features.Advisor;

/// <summary>What the advisor asked the plan editor to do with one pick; the page turns it into a <see cref="CourseMatch.Advising.PlanEditor"/> call.</summary>
public abstract record PlanRequest(int CourseId);
public sealed record PinRequest(int CourseId, int Position) : PlanRequest(CourseId);
public sealed record UnpinRequest(int CourseId) : PlanRequest(CourseId);
public sealed record MoveRequest(int CourseId, int Position) : PlanRequest(CourseId);
public sealed record ExcludeRequest(int CourseId, string Reason) : PlanRequest(CourseId);
public sealed record RestoreRequest(int CourseId) : PlanRequest(CourseId);
/// <param name="Expected">The note the advisor started from, so a note changed meanwhile elsewhere is not overwritten.</param>
public sealed record NoteRequest(int CourseId, string? Expected, string? Note) : PlanRequest(CourseId);

/// <summary>The answer to a request, shown beside the pick: a message, and on a note conflict the note saved elsewhere.</summary>
public sealed record PickMessage(string Text, string? Field = null, string? OtherNote = null, bool Conflict = false);
