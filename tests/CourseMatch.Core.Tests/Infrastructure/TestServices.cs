using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Tests.Infrastructure;

/// <summary>Core's services over a test database, built as the app builds them (<see cref="CourseMatchServices.BuildCore"/>), once per database.</summary>
public static class TestServices
{
    private static readonly ConditionalWeakTable<TestDb, ServiceProvider> Containers = new();

    public static T Service<T>(this TestDb db) where T : notnull =>
        Containers.GetValue(db, d => CourseMatchServices.BuildCore(d.Source)).GetRequiredService<T>();
}
