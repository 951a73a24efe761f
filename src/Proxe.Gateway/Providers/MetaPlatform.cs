using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
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
            && AnyMatches(query["hub.verify_token"], verifyTokens))
        {
            return TypedResults.Text(challenge, "text/plain");
        }

        return GatewayProblems.Forbidden("hub.mode must be 'subscribe' and hub.verify_token must match a configured verify token.");
    }

    /// <summary>
    /// The POST both Meta webhooks share: JSON only, bounded size, the signature checked over the raw bytes before
    /// anything is parsed, then the batch accepted as a whole.
    /// </summary>
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
        if (!request.HasJsonContentType())
            return GatewayProblems.UnsupportedMediaType(WebhookRequest.Json);

        var body = await RequestBody.ReadAsync(request, options.MaxBodyBytes, cancellationToken);
        if (body is null)
            return GatewayProblems.PayloadTooLarge(options.MaxBodyBytes);

        var signedBy = SignedBy(request, body, brands, appSecretOf);
        if (signedBy.Count == 0)
        {
            logger.LogWarning("Refused a {Provider} webhook: {Header} missing or made with no configured app secret", provider, HubSignature.Header);
            return WebhookRequest.BadSignature(HubSignature.Header);
        }

        if (!ProviderJson.TryDeserialize<TWebhook>(body, out var webhook, out var error))
        {
            logger.LogWarning("Refused a {Provider} webhook: {Error}", provider, error);
            return WebhookRequest.Malformed(error!);
        }

        return await AcceptAsync(provider, map(webhook!), signedBy, publisher, logger, cancellationToken);
    }

    /// <summary>
    /// Every brand in the batch must be one whose app secret verified the body (<paramref name="signedBy"/>) before
    /// anything is published. Entries of accounts no brand owns are dropped with a warning and still answered 200: Meta
    /// retries and finally disables a webhook that keeps failing, which would cut off every brand sharing the app.
    /// </summary>
    private static async Task<Results<Ok, ProblemHttpResult>> AcceptAsync(
        string provider, WebhookBatch batch, IReadOnlySet<string> signedBy, IInteractionPublisher publisher, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var brand in batch.Brands.Keys)
        {
            if (!signedBy.Contains(brand))
            {
                logger.LogWarning("Refused a {Provider} webhook: brand {Brand}'s app secret did not sign it", provider, brand);
                return WebhookRequest.BadSignature(HubSignature.Header);
            }
        }

        if (batch.UnknownAccounts.Count > 0)
        {
            logger.LogWarning("{Provider} webhook names accounts no brand owns, not recorded: {Accounts}", provider, batch.UnknownAccounts);
        }

        if (batch.ProviderErrors.Count > 0)
        {
            logger.LogWarning("{Provider} reports errors for {Brands}: {ProviderErrors}", provider, batch.Brands.Keys, batch.ProviderErrors);
        }

        if (batch.Errors.Count > 0)
        {
            logger.LogWarning("Refused a {Provider} webhook: {Errors}", provider, batch.Errors);
            return WebhookRequest.Malformed(string.Join(" ", batch.Errors));
        }

        if (batch.Interactions.Count > 0)
        {
            await publisher.PublishAsync(batch.Interactions, cancellationToken);
        }

        logger.LogInformation("Accepted {Count} {Provider} interaction(s) for {Brands}; {Ignored} event(s) ignored",
            batch.Interactions.Count, provider, batch.Brands.Keys, batch.Ignored);
        return TypedResults.Ok();
    }

    /// <summary>The brands whose app secret produced <c>X-Hub-Signature-256</c>; empty means nobody we know signed the body.</summary>
    private static HashSet<string> SignedBy(HttpRequest request, byte[] body, BrandCatalog brands, Func<BrandSettings, string?> appSecretOf)
    {
        var header = request.Headers[HubSignature.Header].ToString();
        return BrandSecrets.Verifying(brands, appSecretOf, secret => HubSignature.IsValid(body, header, secret));
    }

    /// <summary>Hashes to equal lengths and checks every token, so timing tells neither the token nor which brand matched.</summary>
    private static bool AnyMatches(string? token, IEnumerable<string?> verifyTokens)
    {
        if (string.IsNullOrEmpty(token))
            return false;

        var candidate = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var matched = false;
        foreach (var expected in verifyTokens)
        {
            if (!string.IsNullOrEmpty(expected))
                matched |= CryptographicOperations.FixedTimeEquals(candidate, SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
        }

        return matched;
    }
}
