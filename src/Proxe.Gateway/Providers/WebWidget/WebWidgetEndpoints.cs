using Microsoft.AspNetCore.Http.HttpResults;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Providers.Signatures;

namespace Proxe.Gateway.Providers.WebWidget;

public static class WebWidgetEndpoints
{
    public const string Path = "/webhooks/web";

    public static IEndpointRouteBuilder MapWebWidgetWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, Receive)
            .WithName("ReceiveWebWidgetEvent")
            .WithSummary("PROXe web widget: chat messages, visitor, booking and summaries")
            .WithDescription(
                "Signed with X-Proxe-Timestamp (unix seconds, at most 5 minutes from the gateway's clock) and " +
                "X-Proxe-Signature: sha256=hex(HMAC-SHA256(brand's web widget secret, \"{timestamp}.{raw body}\")). " +
                "One interaction per message; a post without messages is one interaction (event_id, else the body's SHA-256, is its id). " +
                "202 with the interaction ids after RabbitMQ confirmed. Unknown brand: 404 problem.")
            .Accepts<WebWidgetEvent>(WebhookRequest.Json)
            .Produces<InteractionsAccepted>(StatusCodes.Status202Accepted)
            .ProducesWebhookProblems(StatusCodes.Status404NotFound)
            .WithJsonExamples(("chat", "Two chat messages and a booking", ProviderExamples.WebChat), ("booking", "A booking change without messages", ProviderExamples.WebBooking));
        return app;
    }

    internal static async Task<Results<Accepted<InteractionsAccepted>, ProblemHttpResult>> Receive(
        HttpRequest request, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        var timestamp = request.Headers[ProxeSignature.TimestampHeader].ToString();
        var signature = request.Headers[ProxeSignature.Header].ToString();
        ProxeSignature.TryParseTimestamp(timestamp, out var signedAt);

        var (batch, problem) = await SignedWebhook.ReceiveJsonAsync<WebWidgetEvent>("web widget", request, services,
            $"{ProxeSignature.Header} (with a current {ProxeSignature.TimestampHeader})",
            body => BrandSecrets.Verifying(services.Brands, s => s.WebWidget.Secret, secret => ProxeSignature.IsValid(body, timestamp, signature, secret, now)),
            (post, body) => WebWidgetInteractions.ToBatch(post, body, services.Brands, signedAt, now),
            cancellationToken);

        return batch is null
            ? problem!
            : TypedResults.Accepted((string?)null, new InteractionsAccepted(batch.Interactions.Select(i => i.InteractionId).ToList()));
    }
}
