namespace Proxe.Gateway.Providers.WhatsApp;

public static class WhatsAppEndpoints
{
    public const string Path = "/webhooks/whatsapp";

    public static IEndpointRouteBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder app)
    {
        var (handshake, receive) = app.MapMetaWebhook<WhatsAppWebhook>(Path, "WhatsApp",
            verifyTokenOf: brand => brand.WhatsApp.VerifyToken, appSecretOf: brand => brand.WhatsApp.AppSecret, WhatsAppInteractions.Map);

        handshake
            .WithName("VerifyWhatsAppWebhook")
            .WithSummary("WhatsApp Cloud API subscription handshake")
            .WithDescription("Answers hub.challenge as text/plain when hub.mode is 'subscribe' and hub.verify_token matches a brand's WhatsApp VerifyToken; 403 otherwise.");

        receive
            .WithName("ReceiveWhatsAppWebhook")
            .WithSummary("WhatsApp Cloud API messages and status receipts")
            .WithDescription(
                "Meta's 'messages' webhook, signed with X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the brand's WhatsApp app secret). " +
                "Each entry is routed by metadata.phone_number_id; every message and every statuses[] receipt becomes one interaction, " +
                "all published before the 200. A body no configured app secret signed is 401 and is not parsed; entries of a " +
                "phone_number_id no brand owns are dropped with a warning (still 200, so Meta does not disable the app's webhook).")
            .WithJsonExamples(("text", "An inbound text message", ProviderExamples.WhatsAppText), ("status", "A delivery receipt", ProviderExamples.WhatsAppStatus));
        return app;
    }
}
