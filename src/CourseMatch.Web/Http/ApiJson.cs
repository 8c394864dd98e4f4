using System.Text.Encodings.Web;
using System.Text.Unicode;
using CourseMatch.Learners;
using Microsoft.AspNetCore.Http.Json;

namespace CourseMatch.Web.Http;

public static class ApiJson
{
    /// <summary>
    /// The API's JSON, set once (ConfigureHttpJsonOptions): the request shapes' options, and an encoder that escapes
    /// HTML-sensitive characters (&lt; becomes \u003C). ASP.NET Core's default is the relaxed encoder, which would
    /// echo "&lt;script&gt;" from a field name raw into problem details.
    /// </summary>
    public static void Configure(JsonOptions options)
    {
        ProfileRequest.Configure(options.SerializerOptions);
        options.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
    }
}
