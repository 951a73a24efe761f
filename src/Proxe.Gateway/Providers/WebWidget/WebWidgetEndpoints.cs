using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Http;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Gateway.Publishing;

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
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                ProviderExamples.ApplyJson(operation, ("chat", "Two chat messages and a booking", ProviderExamples.WebChat), ("booking", "A booking change without messages", ProviderExamples.WebBooking));
                return Task.CompletedTask;
            });
        return app;
    }

    internal static async Task<Results<Accepted<InteractionsAccepted>, ProblemHttpResult>> Receive(
        HttpRequest request,
        BrandCatalog brands,
        IInteractionPublisher publisher,
        IOptions<ProviderOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(WebWidgetEndpoints).FullName!);
        if (!request.HasJsonContentType())
            return GatewayProblems.UnsupportedMediaType(WebhookRequest.Json);

        var limit = options.Value.MaxBodyBytes;
        var body = await RequestBody.ReadAsync(request, limit, cancellationToken);
        if (body is null)
            return GatewayProblems.PayloadTooLarge(limit);

        var now = time.GetUtcNow();
        var timestamp = request.Headers[ProxeSignature.TimestampHeader].ToString();
        var signature = request.Headers[ProxeSignature.Header].ToString();
        var signedBy = BrandSecrets.Verifying(brands, s => s.WebWidget.Secret, secret => ProxeSignature.IsValid(body, timestamp, signature, secret, now));
        if (signedBy.Count == 0)
        {
            logger.LogWarning("Refused a web widget post: signature missing, made with no configured secret, or outside the {Window} window", ProxeSignature.MaxSkew);
            return WebhookRequest.BadSignature($"{ProxeSignature.Header} (with a current {ProxeSignature.TimestampHeader})");
        }

        if (!ProviderJson.TryDeserialize<WebWidgetEvent>(body, out var post, out var error))
        {
            logger.LogWarning("Refused a web widget post: {Error}", error);
            return WebhookRequest.Malformed(error!);
        }

        if (string.IsNullOrWhiteSpace(post!.Brand))
            return WebhookRequest.Malformed("brand is required.");

        if (!brands.TryGet(post.Brand, out var settings))
        {
            logger.LogWarning("Refused a web widget post: no brand {Brand}", post.Brand);
            return WebhookRequest.UnknownAccount($"No brand '{post.Brand}' is configured.");
        }

        if (!signedBy.Contains(post.Brand))
        {
            logger.LogWarning("Refused a web widget post for brand {Brand}: signed with another brand's secret", post.Brand);
            return WebhookRequest.BadSignature(ProxeSignature.Header);
        }

        ProxeSignature.TryParseTimestamp(timestamp, out var signedAt);
        var errors = new List<string>();
        var interactions = WebWidgetInteractions.Map(post, body, post.Brand, settings, signedAt, now, errors);
        if (errors.Count > 0)
        {
            logger.LogWarning("Refused a web widget post for brand {Brand}: {Errors}", post.Brand, errors);
            return WebhookRequest.Malformed(string.Join(" ", errors));
        }

        await publisher.PublishAsync(interactions, cancellationToken);
        logger.LogInformation("Accepted {Count} web interaction(s) for brand {Brand}", interactions.Count, post.Brand);
        return TypedResults.Accepted((string?)null, new InteractionsAccepted(interactions.Select(i => i.InteractionId).ToList()));
    }
}
