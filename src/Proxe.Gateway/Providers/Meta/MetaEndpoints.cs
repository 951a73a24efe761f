using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Publishing;

namespace Proxe.Gateway.Providers.Meta;

public static class MetaEndpoints
{
    public const string Path = "/webhooks/meta";

    public static IEndpointRouteBuilder MapMetaWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Verify)
            .WithName("VerifyMetaWebhook")
            .WithSummary("Messenger / Instagram subscription handshake")
            .WithDescription("Answers hub.challenge as text/plain when hub.mode is 'subscribe' and hub.verify_token matches a brand's Meta VerifyToken; 403 otherwise.");

        app.MapPost(Path, Receive)
            .WithName("ReceiveMetaWebhook")
            .WithSummary("Messenger and Instagram DMs and comments")
            .WithDescription(
                "object 'page' (Messenger, routed by entry.id = page id) or 'instagram' (routed by entry.id = Instagram account id), " +
                "signed with X-Hub-Signature-256 and the brand's Meta app secret. messaging[] DMs (text, attachments, quick replies, " +
                "story replies and mentions, postbacks, reactions; timestamps in milliseconds) and comments (Instagram 'comments', page 'feed') " +
                "become social interactions; echoes of the brand's own messages are ignored. A body no configured app secret signed is 401; " +
                "entries of an account no brand owns are dropped with a warning (still 200).")
            .Accepts<MetaWebhook>(WebhookRequest.Json)
            .Produces(StatusCodes.Status200OK)
            .ProducesWebhookProblems()
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                ProviderExamples.ApplyJson(operation, ("dm", "An Instagram DM", ProviderExamples.InstagramDm), ("comment", "An Instagram comment", ProviderExamples.InstagramComment));
                return Task.CompletedTask;
            });
        return app;
    }

    internal static Results<ContentHttpResult, ProblemHttpResult> Verify(HttpRequest request, BrandCatalog brands) =>
        MetaPlatform.Handshake(request, brands.Brands.Select(b => brands.TryGet(b, out var s) ? s.Meta.VerifyToken : null));

    internal static Task<Results<Ok, ProblemHttpResult>> Receive(
        HttpRequest request,
        BrandCatalog brands,
        IInteractionPublisher publisher,
        IOptions<ProviderOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken) =>
        MetaPlatform.ReceiveAsync<MetaWebhook>("Meta", request, brands, s => s.Meta.AppSecret,
            webhook => MetaInteractions.Map(webhook, brands, time.GetUtcNow()),
            publisher, options.Value, loggers.CreateLogger(typeof(MetaEndpoints).FullName!), cancellationToken);
}
