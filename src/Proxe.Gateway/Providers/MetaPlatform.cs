using Microsoft.AspNetCore.Http.HttpResults;
using Proxe.Domain;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Http;
using Proxe.Gateway.Providers.Signatures;

namespace Proxe.Gateway.Providers;

/// <summary>
/// What WhatsApp Cloud API and Messenger/Instagram webhooks share: Meta's subscription handshake and the
/// signed, batched POST (one app secret signs the whole body; each entry names the account it belongs to).
/// </summary>
internal static class MetaPlatform
{
    /// <summary>
    /// Both endpoints of one Meta webhook at <paramref name="path"/>: GET, the handshake against each brand's verify token;
    /// POST, the body signed by a brand's app secret, mapped by <paramref name="map"/> and answered 200 once published.
    /// </summary>
    public static (RouteHandlerBuilder Handshake, RouteHandlerBuilder Receive) MapMetaWebhook<TWebhook>(
        this IEndpointRouteBuilder app,
        string path,
        string provider,
        Func<BrandSettings, string?> verifyTokenOf,
        Func<BrandSettings, string?> appSecretOf,
        Func<TWebhook, BrandCatalog, DateTimeOffset, WebhookBatch> map)
        where TWebhook : class
    {
        var handshake = app.MapGet(path, (HttpRequest request, BrandCatalog brands) =>
            Handshake(request, brands.Brands.Select(b => brands.TryGet(b, out var s) ? verifyTokenOf(s) : null)));

        var receive = app.MapPost(path, (HttpRequest request, [AsParameters] WebhookServices services, CancellationToken cancellationToken) =>
                ReceiveAsync(provider, request, services, appSecretOf, map, cancellationToken))
            .Accepts<TWebhook>(WebhookRequest.Json)
            .Produces(StatusCodes.Status200OK)
            .ProducesWebhookProblems();
        return (handshake, receive);
    }

    /// <summary>GET ?hub.mode=subscribe&amp;hub.verify_token=..&amp;hub.challenge=..: the bare challenge when a brand's token matches.</summary>
    public static Results<ContentHttpResult, ProblemHttpResult> Handshake(HttpRequest request, IEnumerable<string?> verifyTokens)
    {
        var query = request.Query;
        if (query["hub.mode"] == "subscribe"
            && query["hub.challenge"] is [{ Length: > 0 } challenge]
            && Secrets.MatchesAny(query["hub.verify_token"], verifyTokens))
        {
            return TypedResults.Text(challenge, "text/plain");
        }

        return GatewayProblems.Forbidden("hub.mode must be 'subscribe' and hub.verify_token must match a configured verify token.");
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ReceiveAsync<TWebhook>(
        string provider,
        HttpRequest request,
        WebhookServices services,
        Func<BrandSettings, string?> appSecretOf,
        Func<TWebhook, BrandCatalog, DateTimeOffset, WebhookBatch> map,
        CancellationToken cancellationToken)
        where TWebhook : class
    {
        var header = request.Headers[HubSignature.Header].ToString();
        var (_, problem) = await SignedWebhook.ReceiveJsonAsync<TWebhook>(provider, request, services, HubSignature.Header,
            body => BrandSecrets.Verifying(services.Brands, appSecretOf, secret => HubSignature.IsValid(body, header, secret)),
            (webhook, _) => map(webhook, services.Brands, services.Time.GetUtcNow()),
            cancellationToken);
        return problem is null ? TypedResults.Ok() : problem;
    }
}
