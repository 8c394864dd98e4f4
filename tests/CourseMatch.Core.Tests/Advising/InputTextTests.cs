using CourseMatch.Advising;

namespace CourseMatch.Tests.Advising;

public class InputTextTests
{
    [Fact]
    public void ANulCharacterInAnyLearnerFieldIsNamedAndRefused()
    {
        var errors = new LearnerInput { Name = "Ada\0", Email = "ada@example.org", Notes = "line one\nline\0two" }.Validate();
        Assert.Equal(InputText.NulMessage, errors["name"]);
        Assert.Equal(InputText.NulMessage, errors["notes"]);
        Assert.False(errors.ContainsKey("email"));
    }

    [Fact]
    public void NotesMayHoldLineBreaksAndTabs()
    {
        Assert.Empty(new LearnerInput { Name = "Ada", Notes = "first\r\nsecond\tthird" }.Validate());
    }

    [Fact]
    public void SearchTextLosesControlCharactersButKeepsTheWords()
    {
        Assert.Equal("Ada  Lovelace", InputText.WithoutControlCharacters("\0Ada \u0007Lovelace\n"));
        Assert.Equal("plain", InputText.WithoutControlCharacters("plain"));
        Assert.Null(InputText.WithoutControlCharacters(null));
    }
}
