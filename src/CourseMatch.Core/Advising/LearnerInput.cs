using System.Net.Mail;

namespace CourseMatch.Advising;

/// <summary>What an advisor types about a learner, before it is trusted.</summary>
public sealed class LearnerInput
{
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Notes { get; set; }

    /// <summary>Every problem, keyed by field (name, email, notes); empty when the input can be stored.</summary>
    public Dictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        var name = Name?.Trim() ?? "";
        if (name.Length == 0) errors["name"] = "Give the learner a name or a pseudonym.";
        else if (name.Length > AdvisedLearner.MaxName) errors["name"] = $"The name is {name.Length} characters; keep it to {AdvisedLearner.MaxName}.";
        var email = Email?.Trim() ?? "";
        if (email.Length > AdvisedLearner.MaxEmail) errors["email"] = $"The email address is {email.Length} characters; at most {AdvisedLearner.MaxEmail} are allowed.";
        else if (email.Length > 0 && !LooksLikeEmail(email)) errors["email"] = $"'{email}' is not an email address (name@example.org); leave it empty if you have none.";
        if ((Notes?.Length ?? 0) > AdvisedLearner.MaxNotes) errors["notes"] = $"The notes are {Notes!.Length:#,0} characters; keep them to {AdvisedLearner.MaxNotes:#,0}.";
        foreach (var (field, value) in new[] { ("name", Name), ("email", Email), ("notes", Notes) })
            if (InputText.HasNul(value)) errors.TryAdd(field, InputText.NulMessage);
        return errors;
    }

    private static bool LooksLikeEmail(string s) =>
        MailAddress.TryCreate(s, out var address) && address.Address == s && s.IndexOf('.', s.IndexOf('@')) > 0;

    public static LearnerInput From(AdvisedLearner l) => new() { Name = l.Name, Email = l.Email, Notes = l.Notes };
}
