using Bunit;
using CourseMatch.Catalog;
using CourseMatch.Tests.Infrastructure;
using CourseMatch.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Web.Tests.Pages;

/// <summary>The course page says who said what a course teaches: a person, the tagger (with its confidence), or no one yet.</summary>
public class CourseDetailSkillsTests(DatabaseFixture fixture) : BunitContext, IClassFixture<DatabaseFixture>
{
    private async Task<string> CourseAsync(string slug, SkillsStatus status, decimal? confidence, bool withSkills)
    {
        await using var db = fixture.Db.Context();
        var skills = await db.Skills.Where(s => s.Slug == "linear-algebra" || s.Slug == "python").ToDictionaryAsync(s => s.Slug);
        var course = new Course
        {
            Slug = slug, Title = $"Probe {slug}", Provider = await db.Providers.FirstAsync(), Description = "Vectors, matrices and some Python.",
            SkillsStatus = status, SkillsConfidence = confidence,
        };
        if (withSkills)
        {
            course.Skills.Add(new CourseSkill { SkillId = skills["linear-algebra"].Id, Level = 2 });
            course.Prerequisites.Add(new CoursePrerequisite { SkillId = skills["python"].Id, MinLevel = 1 });
        }
        db.Courses.Add(course);
        await db.SaveChangesAsync();
        return slug;
    }

    private IRenderedComponent<CourseDetail> RenderPage(string slug)
    {
        Services.AddCourseMatchCore(fixture.Db.Source);
        var cut = Render<CourseDetail>(p => p.Add(x => x.Slug, slug));
        cut.WaitForElement("h2#teaches");
        return cut;
    }

    [Fact]
    public async Task InferredSkillsAreSaidToBeUnreviewedWithTheirConfidenceAndWordedProbably()
    {
        var cut = RenderPage(await CourseAsync("inferred-probe", SkillsStatus.Inferred, 0.823m, withSkills: true));

        Assert.Equal("Skills inferred from the description, not yet reviewed (confidence 82%).", cut.Find(".skills-note.inferred").TextContent.Trim());
        Assert.Equal("Probably teaches", cut.Find("h2#teaches").TextContent);
        Assert.Equal("Probably expects", cut.Find("h2#needs").TextContent);
        Assert.Contains("Linear algebra to level 2 of 4", cut.Find("section[aria-labelledby=teaches] li").TextContent);
        Assert.Contains("Python programming at level 1 or above", cut.Find("section[aria-labelledby=needs] li").TextContent);
    }

    [Fact]
    public async Task ConfirmedSkillsReadAsBefore()
    {
        var cut = RenderPage(await CourseAsync("confirmed-probe", SkillsStatus.Confirmed, null, withSkills: true));

        Assert.Empty(cut.FindAll(".skills-note"));
        Assert.Equal("What it teaches", cut.Find("h2#teaches").TextContent);
        Assert.Equal("What it expects you to know", cut.Find("h2#needs").TextContent);
        Assert.DoesNotContain("Probably", cut.Markup);
        Assert.Contains("Linear algebra to level 2 of 4", cut.Find("section[aria-labelledby=teaches] li").TextContent);
    }

    [Fact]
    public async Task UnknownSkillsAreSaidToBeNotKnownYet()
    {
        var cut = RenderPage(await CourseAsync("unknown-probe", SkillsStatus.Unknown, null, withSkills: false));

        Assert.Contains("skills are not known yet", cut.Find(".skills-note.unknown").TextContent);
        Assert.Equal("Not known yet.", cut.Find("section[aria-labelledby=needs] p").TextContent);
        Assert.DoesNotContain("does not list the skills", cut.Markup);
        Assert.Empty(cut.FindAll(".skills-note.inferred"));
    }

    [Fact]
    public async Task CoursesLikeThisAppearWithLinksAndNeverTheCourseItself()
    {
        var slug = await CourseAsync("similar-probe", SkillsStatus.Confirmed, null, withSkills: true);
        var cut = RenderPage(slug);
        // The similar courses are read after the course itself: on a busy machine the first render can come before them.
        cut.WaitForElement("h2#similar");

        var links = cut.FindAll("section.similar li a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal("Courses like this", cut.Find("h2#similar").TextContent);
        Assert.InRange(links.Count, 1, 5);
        Assert.All(links, href => Assert.StartsWith("/courses/", href));
        Assert.DoesNotContain($"/courses/{slug}", links);
        Assert.All(cut.FindAll("section.similar .why"), why => Assert.Contains("Also teaches Linear algebra", why.TextContent));
    }

    [Fact]
    public void TheSimilarListSaysWhyAndIsHiddenWhenEmpty()
    {
        var cut = Render<SimilarCoursesList>(p => p.Add(x => x.Courses, [
            new Tagging.SimilarCourse(1, "khan-linear-algebra", "Linear Algebra", "Khan Academy", CourseLevel.Beginner, ["Calculus", "Linear algebra"], true),
            new Tagging.SimilarCourse(2, "baking", "Baking", "Bakery", CourseLevel.Advanced, [], false),
        ]));
        Assert.Equal("/courses/khan-linear-algebra", cut.Find("li a").GetAttribute("href"));
        Assert.Equal("Also teaches Calculus, Linear algebra · same level (Beginner)", cut.Find("li .why").TextContent);
        Assert.Single(cut.FindAll(".why"));

        Assert.Empty(Render<SimilarCoursesList>(p => p.Add(x => x.Courses, [])).FindAll("section"));
    }
}
