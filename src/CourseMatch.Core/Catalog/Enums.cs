namespace CourseMatch.Catalog;

public enum ProviderKind { University, Bootcamp, Platform, Nonprofit, Publisher }

public enum SkillCategory { Math, Programming, Ml, Data }

public enum CourseKind { Course, Program, Bootcamp, Seminar, Book }

public enum CourseFormat { InPerson, Online, Hybrid }

public enum Pacing { SelfPaced, Scheduled }

public enum CourseLevel { Beginner, Intermediate, Advanced, All }

public enum CourseStatus { Draft, Published, Archived }
