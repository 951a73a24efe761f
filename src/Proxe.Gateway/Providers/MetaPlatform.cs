using Microsoft.AspNetCore.Http.HttpResults;
using Proxe.Domain;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Http;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Gateway.Publishing;

namespace Proxe.Gateway.Providers;

/// <summary>
/// What WhatsApp Cloud API and Messenger/Instagram webhooks share: Meta's subscription handshake and the
/// signed, batched POST (one app secret signs the whole body; each entry names the account it belongs to).
/// </summary>
internal static class MetaPlatform
{
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

    /// <summary>The POST both Meta webhooks share: one app secret signs the whole body; each entry names the account it belongs to.</summary>
    public static async Task<Results<Ok, ProblemHttpResult>> ReceiveAsync<TWebhook>(
        string provider,
        HttpRequest request,
        BrandCatalog brands,
        Func<BrandSettings, string?> appSecretOf,
        Func<TWebhook, WebhookBatch> map,
        IInteractionPublisher publisher,
        ProviderOptions options,
        ILogger logger,
        CancellationToken cancellationToken)
        where TWebhook : class
    {
        var (_, problem) = await SignedWebhook.ReceiveJsonAsync<TWebhook>(provider, request, HubSignature.Header,
            body => SignedBy(request, body, brands, appSecretOf), (webhook, _) => map(webhook), publisher, options, logger, cancellationToken);
        return problem is null ? TypedResults.Ok() : problem;
    }

    /// <summary>The brands whose app secret produced <c>X-Hub-Signature-256</c>; empty means nobody we know signed the body.</summary>
    private static HashSet<string> SignedBy(HttpRequest request, byte[] body, BrandCatalog brands, Func<BrandSettings, string?> appSecretOf)
    {
        var header = request.Headers[HubSignature.Header].ToString();
        return BrandSecrets.Verifying(brands, appSecretOf, secret => HubSignature.IsValid(body, header, secret));
    }

}
