using System.Buffers;

namespace Proxe.Gateway.Http;

/// <summary>Reads a request body into memory up to a limit, so oversize bodies become a 413 rather than an allocation.</summary>
public static class RequestBody
{
    public const int DefaultLimit = 1024 * 1024;

    /// <returns>The body, or null when it is larger than <paramref name="limit"/> bytes.</returns>
    /// <remarks>
    /// Through the request's pipe: the body waits in Kestrel's pooled buffers until it is complete, so the returned array
    /// is the only allocation (copy buffers per request were 40 % of the gateway's allocated bytes; bench/README.md, "2026-12-06 (stop 26)").
    /// </remarks>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            return null;

        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }
            if (result.IsCompleted)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
