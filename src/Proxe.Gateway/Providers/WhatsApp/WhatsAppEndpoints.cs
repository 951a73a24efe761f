using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Publishing;

namespace Proxe.Gateway.Providers.WhatsApp;

public static class WhatsAppEndpoints
{
    public const string Path = "/webhooks/whatsapp";

    public static IEndpointRouteBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Verify)
            .WithName("VerifyWhatsAppWebhook")
            .WithSummary("WhatsApp Cloud API subscription handshake")
            .WithDescription("Answers hub.challenge as text/plain when hub.mode is 'subscribe' and hub.verify_token matches a brand's WhatsApp VerifyToken; 403 otherwise.");

        app.MapPost(Path, Receive)
            .WithName("ReceiveWhatsAppWebhook")
            .WithSummary("WhatsApp Cloud API messages and status receipts")
            .WithDescription(
                "Meta's 'messages' webhook, signed with X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the brand's WhatsApp app secret). " +
                "Each entry is routed by metadata.phone_number_id; every message and every statuses[] receipt becomes one interaction, " +
                "all published before the 200. A body no configured app secret signed is 401 and is not parsed; entries of a " +
                "phone_number_id no brand owns are dropped with a warning (still 200, so Meta does not disable the app's webhook).")
            .Accepts<WhatsAppWebhook>(WebhookRequest.Json)
            .Produces(StatusCodes.Status200OK)
            .ProducesWebhookProblems()
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                ProviderExamples.ApplyJson(operation, ("text", "An inbound text message", ProviderExamples.WhatsAppText), ("status", "A delivery receipt", ProviderExamples.WhatsAppStatus));
                return Task.CompletedTask;
            });
        return app;
    }

    internal static Results<ContentHttpResult, ProblemHttpResult> Verify(HttpRequest request, BrandCatalog brands) =>
        MetaPlatform.Handshake(request, brands.Brands.Select(b => brands.TryGet(b, out var s) ? s.WhatsApp.VerifyToken : null));

    internal static Task<Results<Ok, ProblemHttpResult>> Receive(
        HttpRequest request,
        BrandCatalog brands,
        IInteractionPublisher publisher,
        IOptions<ProviderOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken) =>
        MetaPlatform.ReceiveAsync<WhatsAppWebhook>("WhatsApp", request, brands, s => s.WhatsApp.AppSecret,
            webhook => WhatsAppInteractions.Map(webhook, brands, time.GetUtcNow()),
            publisher, options.Value, loggers.CreateLogger(typeof(WhatsAppEndpoints).FullName!), cancellationToken);
}
