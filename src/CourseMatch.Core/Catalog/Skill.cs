namespace CourseMatch.Catalog;

public class Skill
{
    public const int MaxLevel = 4;

    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public SkillCategory Category { get; set; }

    /// <summary>Five descriptors, index = level 0–4, each written as what a person at that level can do.</summary>
    public string[] LevelDescriptors { get; set; } = [];
}
