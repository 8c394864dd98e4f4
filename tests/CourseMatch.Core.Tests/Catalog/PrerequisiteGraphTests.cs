using CourseMatch.Catalog;

namespace CourseMatch.Tests.Catalog;

public class PrerequisiteGraphTests
{
    private static Dictionary<string, IReadOnlyCollection<string>> Graph(params (string Course, string[] Requires)[] edges) =>
        edges.ToDictionary(e => e.Course, e => (IReadOnlyCollection<string>)e.Requires);

    [Fact]
    public void ChainWithoutCycleIsAccepted() =>
        Assert.Null(PrerequisiteGraph.FindCycle(Graph(("calc-2", ["calc-1"]), ("calc-3", ["calc-2", "calc-1"]), ("calc-1", []))));

    [Fact]
    public void CycleIsFoundAndNamed()
    {
        var cycle = PrerequisiteGraph.FindCycle(Graph(("a", ["b"]), ("b", ["c"]), ("c", ["a"])));
        Assert.NotNull(cycle);
        Assert.Equal(cycle[0], cycle[^1]);
        Assert.Equal(4, cycle.Count);
    }

    [Fact]
    public void CourseRequiringItselfIsACycle() =>
        Assert.NotNull(PrerequisiteGraph.FindCycle(Graph(("a", ["a"]))));
}
