using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Proxe.Gateway.Http;

/// <summary>The RFC 7807 answers every gateway endpoint gives for the same failures.</summary>
public static class GatewayProblems
{
    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult PayloadTooLarge(int limit) =>
        TypedResults.Problem($"The request body is larger than {limit} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");

    public static ProblemHttpResult UnsupportedMediaType(string expected) =>
        TypedResults.Problem($"Send the body as {expected}.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    /// <summary>503 with Retry-After in whole seconds (at least one).</summary>
    public static ProblemHttpResult ServiceUnavailable(HttpResponse response, TimeSpan retryAfter, string detail)
    {
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");
    }
}
