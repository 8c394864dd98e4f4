using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace CourseMatch.Cluster;

/// <summary>
/// HTTP as the tests need it across instances: no automatic redirects, and cookies kept by hand in a <see cref="Jar"/>
/// so one cookie can be shown to any instance (a CookieContainer would not send the Secure sign-in cookie over the
/// plain-HTTP loopback, which browsers do allow).
/// </summary>
public static partial class Http
{
    /// <summary>A client whose connections leave from <paramref name="source"/> (127.0.0.x): another client, to the proxy.</summary>
    public static HttpClient Plain(string? source = null) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromSeconds(1),
        ConnectCallback = source is null ? null : async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch { socket.Dispose(); throw; }
        },
    }) { Timeout = TimeSpan.FromSeconds(30) };

    public sealed class Jar
    {
        private readonly Dictionary<string, string> cookies = [];

        public string? this[string name] => cookies.GetValueOrDefault(name);

        public void Set(string name, string value) => cookies[name] = value;

        public void Remove(string name) => cookies.Remove(name);

        public string Header => string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}"));

        public Jar Copy()
        {
            var copy = new Jar();
            foreach (var (k, v) in cookies) copy.cookies[k] = v;
            return copy;
        }

        public void Take(HttpResponseMessage response)
        {
            if (!response.Headers.TryGetValues("Set-Cookie", out var values)) return;
            foreach (var value in values)
            {
                var pair = value.Split(';')[0];
                var eq = pair.IndexOf('=');
                var (name, content) = (pair[..eq], pair[(eq + 1)..]);
                if (content.Length == 0 || value.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) cookies.Remove(name);
                else cookies[name] = content;
            }
        }
    }

    public static Task<HttpResponseMessage> GetAsync(this HttpClient http, string url, Jar jar) =>
        SendAsync(http, new HttpRequestMessage(HttpMethod.Get, url), jar);

    public static Task<HttpResponseMessage> PostFormAsync(this HttpClient http, string url, Jar jar, Dictionary<string, string> fields) =>
        SendAsync(http, new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) }, jar);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, Jar jar)
    {
        if (jar.Header.Length > 0) request.Headers.Add("Cookie", jar.Header);
        var response = await http.SendAsync(request);
        jar.Take(response);
        return response;
    }

    /// <summary>The hidden fields of the form named <paramref name="formName"/> (Blazor's _handler) or posting to <paramref name="action"/>.</summary>
    public static async Task<Dictionary<string, string>> FormAsync(this HttpClient http, string url, Jar jar, string? formName = null, string? action = null)
    {
        var response = await http.GetAsync(url, jar);
        var html = await response.Content.ReadAsStringAsync();
        foreach (Match form in FormPattern().Matches(html))
        {
            var fields = InputPattern().Matches(form.Value)
                .Where(i => NameOf(i.Value) is not null)
                .ToDictionary(i => NameOf(i.Value)!, i => WebUtility.HtmlDecode(ValueOf(i.Value) ?? ""));
            var matchesName = formName is not null && fields.GetValueOrDefault("_handler") == formName;
            var matchesAction = action is not null && form.Value.Contains($"action=\"{action}\"");
            if (matchesName || matchesAction) return fields;
        }
        throw new InvalidOperationException($"No form {formName ?? action} on {url} ({(int)response.StatusCode}).");
    }

    private static string? NameOf(string input) => AttributePattern("name").Match(input) is { Success: true } m ? m.Groups[1].Value : null;
    private static string? ValueOf(string input) => AttributePattern("value").Match(input) is { Success: true } m ? m.Groups[1].Value : null;
    private static Regex AttributePattern(string name) => new($"\\s{name}=\"([^\"]*)\"");

    [GeneratedRegex("<form[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex InputPattern();

    /// <summary>Signs in through the real form: the page from <paramref name="formFrom"/>, the post to <paramref name="postTo"/>.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient http, Jar jar, string formFrom, string postTo, string email, string password)
    {
        var fields = await http.FormAsync(formFrom + "/account/login", jar, formName: "sign-in");
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        return await http.PostFormAsync(postTo + "/account/login", jar, fields);
    }
}
