namespace Proxe.Gateway.Providers.Meta;

public static class MetaEndpoints
{
    public const string Path = "/webhooks/meta";

    public static IEndpointRouteBuilder MapMetaWebhooks(this IEndpointRouteBuilder app)
    {
        var (handshake, receive) = app.MapMetaWebhook<MetaWebhook>(Path, "Meta",
            verifyTokenOf: brand => brand.Meta.VerifyToken, appSecretOf: brand => brand.Meta.AppSecret, MetaInteractions.Map);

        handshake
            .WithName("VerifyMetaWebhook")
            .WithSummary("Messenger / Instagram subscription handshake")
            .WithDescription("Answers hub.challenge as text/plain when hub.mode is 'subscribe' and hub.verify_token matches a brand's Meta VerifyToken; 403 otherwise.");

        receive
            .WithName("ReceiveMetaWebhook")
            .WithSummary("Messenger and Instagram DMs and comments")
            .WithDescription(
                "object 'page' (Messenger, routed by entry.id = page id) or 'instagram' (routed by entry.id = Instagram account id), " +
                "signed with X-Hub-Signature-256 and the brand's Meta app secret. messaging[] DMs (text, attachments, quick replies, " +
                "story replies and mentions, postbacks, reactions; timestamps in milliseconds) and comments (Instagram 'comments', page 'feed') " +
                "become social interactions; echoes of the brand's own messages are ignored. A body no configured app secret signed is 401; " +
                "entries of an account no brand owns are dropped with a warning (still 200).")
            .WithJsonExamples(("dm", "An Instagram DM", ProviderExamples.InstagramDm), ("comment", "An Instagram comment", ProviderExamples.InstagramComment));
        return app;
    }
}
