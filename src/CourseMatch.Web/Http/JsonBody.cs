using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CourseMatch.Web.Http;

/// <summary>A JSON request body: the value, or why it was refused (415, 413), or field errors (400).</summary>
public readonly record struct JsonBody<T>(T? Value, ProblemHttpResult? Refused, Dictionary<string, string[]>? Errors);

public static class JsonBody
{
    /// <summary>The most a JSON body may hold; counted on the stream, so a chunked body without Content-Length is held to it too.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>
    /// Describes, for OpenAPI, an endpoint whose body is read by <see cref="ReadAsync{T}"/>: a JSON
    /// <typeparamref name="T"/>, refused when too large (413) or not JSON (415).
    /// </summary>
    public static RouteHandlerBuilder AcceptsJsonBody<T>(this RouteHandlerBuilder endpoint) where T : notnull =>
        endpoint.Accepts<T>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>
    /// Reads the body with the API's JSON options. Only application/json (or application/*+json) is read; the byte
    /// count is enforced while reading, the same way under Kestrel and the test server.
    /// </summary>
    public static async Task<JsonBody<T>> ReadAsync<T>(HttpRequest request, Func<JsonException, (string Field, string Message)> explain, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
            return new(default, ApiProblems.Status(StatusCodes.Status415UnsupportedMediaType, "Send the body as JSON.",
                "Use the content type application/json."), null);
        if (request.ContentLength > MaxBytes) return new(default, TooLarge(), null);

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            await using var body = new LimitedStream(request.Body, MaxBytes);
            return new(await JsonSerializer.DeserializeAsync<T>(body, options, ct), null, null);
        }
        catch (LimitedStream.TooLargeException) { return new(default, TooLarge(), null); }
        catch (BadHttpRequestException e) { return new(default, ApiProblems.Status(e.StatusCode, "The request body could not be read."), null); }
        catch (JsonException e)
        {
            var (field, message) = explain(e);
            return new(default, null, new() { [field] = [message] });
        }
    }

    private static ProblemHttpResult TooLarge() =>
        ApiProblems.Status(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", $"Send at most {MaxBytes / 1024} KB.");

    /// <summary>Reads through to the request body and throws once more than the limit has arrived; never disposes the body.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        public sealed class TooLargeException() : IOException("The request body is larger than allowed.");

        private long read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            read += n;
            return read > limit ? throw new TooLargeException() : n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
