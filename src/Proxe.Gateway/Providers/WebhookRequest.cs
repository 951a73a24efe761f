using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Proxe.Gateway.Providers;

/// <summary>Answers shared by the provider webhooks, beside <see cref="Http.GatewayProblems"/>.</summary>
internal static class WebhookRequest
{
    public const string Json = "application/json";
    public const string Form = "application/x-www-form-urlencoded";

    /// <summary>Twilio posts url-encoded forms only; multipart would be read wrongly, so it is refused too.</summary>
    public static bool HasUrlEncodedForm(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
        && contentType.MediaType.Equals(Form, StringComparison.OrdinalIgnoreCase);

    /// <summary>What every webhook may answer besides success; endpoints that refuse an unknown account add 404.</summary>
    public static RouteHandlerBuilder ProducesWebhookProblems(this RouteHandlerBuilder endpoint, params int[] more)
    {
        int[] common =
        [
            StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge,
            StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable,
        ];
        foreach (var status in common.Concat(more).Order())
            endpoint.ProducesProblem(status);
        return endpoint;
    }

    public static ProblemHttpResult Malformed(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Malformed webhook");

    public static ProblemHttpResult BadSignature(string header) =>
        TypedResults.Problem($"{header} is missing or does not match the request.", statusCode: StatusCodes.Status401Unauthorized, title: "Invalid signature");

    public static ProblemHttpResult UnknownAccount(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Unknown provider account");
}
