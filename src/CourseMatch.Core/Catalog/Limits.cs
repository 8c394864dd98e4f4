namespace CourseMatch.Catalog;

/// <summary>
/// How long each stored text may be: the one definition the EF configurations (column sizes), the rules that check
/// input (<c>CourseRules</c>, the provider and skill editors) and the admin forms (<c>maxlength</c>) all read.
/// </summary>
/// <remarks>Changing a value that a configuration reads changes the schema: it needs a migration.</remarks>
public static class Limits
{
    // Courses
    public const int CourseSlug = 120;
    public const int CourseTitle = 300;
    public const int CourseSummary = 1000;
    public const int CourseDescription = 20_000;
    public const int CourseSource = 2000;
    public const int City = 100;

    // Providers and skills
    public const int ReferenceSlug = 80;
    public const int ProviderName = 200;
    public const int SkillName = 120;
    public const int SkillDescriptor = 300;

    // Target roles (name and summary are columns sized by SkillName and SearchText)
    /// <summary>Why a role wants a level in a skill: one line, kept inside the role's jsonb targets.</summary>
    public const int RoleReason = 300;

    // Skills check items
    public const int ItemKey = 120;
    /// <summary>A prompt, a choice or an explanation of an item (markup included).</summary>
    public const int ItemMarkup = 4000;

    // Addresses and codes
    public const int Url = 2000;
    /// <summary>ISO 3166-1 alpha-2.</summary>
    public const int CountryCode = 2;
    /// <summary>ISO 4217.</summary>
    public const int CurrencyCode = 3;
    /// <summary>A language tag such as "en" or "pt-BR".</summary>
    public const int LanguageTag = 8;

    // Curation
    public const int ImportMappingName = 100;
    /// <summary>Who did something: an account's email, or the CLI's name.</summary>
    public const int Actor = 256;
    public const int AuditEntity = 64;
    public const int AuditEntityId = 128;
    public const int AuditAction = 64;
    public const int AuditSummary = 1000;

    /// <summary>What an admin list's search box takes.</summary>
    public const int SearchText = 200;
}
