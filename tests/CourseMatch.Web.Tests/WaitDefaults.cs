using System.Runtime.CompilerServices;
using Bunit;

namespace CourseMatch.Web.Tests;

internal static class WaitDefaults
{
    /// <summary>
    /// Pages here read a real PostgreSQL before they render; bUnit's own default of one second is shorter than a cold
    /// first query on a busy two-core CI machine, which failed a run. A wait still ends as soon as its condition holds.
    /// </summary>
    [ModuleInitializer]
    internal static void Lengthen() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(30);
}
