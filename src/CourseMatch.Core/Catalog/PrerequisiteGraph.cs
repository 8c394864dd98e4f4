namespace CourseMatch.Catalog;

/// <summary>Prerequisite courses form a directed graph that must stay acyclic.</summary>
public static class PrerequisiteGraph
{
    /// <summary>
    /// Returns a cycle (as a list of keys, first = last) if the edges contain one, otherwise null.
    /// Edges map a course to the courses it requires.
    /// </summary>
    public static IReadOnlyList<T>? FindCycle<T>(IReadOnlyDictionary<T, IReadOnlyCollection<T>> requires) where T : notnull
    {
        var state = new Dictionary<T, int>(); // 1 = on the current path, 2 = done
        var path = new List<T>();

        List<T>? Visit(T node)
        {
            state[node] = 1;
            path.Add(node);
            if (requires.TryGetValue(node, out var next))
            {
                foreach (var n in next)
                {
                    var s = state.GetValueOrDefault(n);
                    if (s == 1) return [.. path.Skip(path.IndexOf(n)), n];
                    if (s == 0 && Visit(n) is { } cycle) return cycle;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        foreach (var node in requires.Keys)
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }
}
