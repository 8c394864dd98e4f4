namespace CourseMatch.Catalog;

public enum ProviderKind { University, Bootcamp, Platform, Nonprofit, Publisher }

public enum SkillCategory { Math, Programming, Ml, Data }

public enum CourseKind { Course, Program, Bootcamp, Seminar, Book }

public enum CourseFormat { InPerson, Online, Hybrid }

public enum Pacing { SelfPaced, Scheduled }

public enum CourseLevel { Beginner, Intermediate, Advanced, All }

public enum CourseStatus { Draft, Published, Archived }

/// <summary>
/// Where a course's skills come from. Unknown: no one has said (an imported course before tagging). Inferred: the skill
/// tagger wrote them and no one has reviewed them. Confirmed: a person did (curated, edited, imported from a file that
/// names them, or reviewed). No skills with Inferred or Confirmed means outside the taxonomy.
/// </summary>
public enum SkillsStatus { Unknown, Inferred, Confirmed }
