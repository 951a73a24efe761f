using Microsoft.AspNetCore.Http.HttpResults;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Http;

namespace Proxe.Gateway.Providers;

/// <summary>
/// The receive pipeline every provider webhook shares: JSON only, bounded size, the signature checked over the raw bytes
/// before anything is parsed, the payload mapped, every brand in it one whose secret signed the body, the input contract
/// applied (<see cref="ContractMode.Repair"/>), then the whole batch published or nothing.
/// </summary>
internal static class SignedWebhook
{
    /// <param name="signedBy">The brands whose secret verifies the raw body; empty means nobody we know signed it.</param>
    /// <returns>The published batch, or the problem that refused the request (nothing published).</returns>
    public static async Task<(WebhookBatch? Batch, ProblemHttpResult? Problem)> ReceiveJsonAsync<TWebhook>(
        string provider,
        HttpRequest request,
        WebhookServices services,
        string signatureHeader,
        Func<byte[], IReadOnlySet<string>> signedBy,
        Func<TWebhook, byte[], WebhookBatch> map,
        CancellationToken cancellationToken)
        where TWebhook : class
    {
        var (options, logger) = (services.Options.Value, services.Logger);
        if (!request.HasJsonContentType())
            return (null, GatewayProblems.UnsupportedMediaType(WebhookRequest.Json));

        var body = await RequestBody.ReadAsync(request, options.MaxBodyBytes, cancellationToken);
        if (body is null)
            return (null, GatewayProblems.PayloadTooLarge(options.MaxBodyBytes));

        var signers = signedBy(body);
        if (signers.Count == 0)
        {
            logger.LogWarning("Refused a {Provider} webhook: {Header} missing, made with no configured secret, or out of date", provider, signatureHeader);
            return (null, WebhookRequest.BadSignature(signatureHeader));
        }

        if (!ProviderJson.TryDeserialize<TWebhook>(body, out var webhook, out var error))
        {
            logger.LogWarning("Refused a {Provider} webhook: {Error}", provider, error);
            return (null, WebhookRequest.Malformed(error!));
        }

        var batch = map(webhook!, body);
        foreach (var brand in batch.Brands.Keys)
        {
            if (!signers.Contains(brand))
            {
                logger.LogWarning("Refused a {Provider} webhook: brand {Brand}'s secret did not sign it", provider, brand);
                return (null, WebhookRequest.BadSignature(signatureHeader));
            }
        }

        var problem = await PublishAsync(provider, batch, services, cancellationToken);
        return problem is null ? (batch, null) : (null, problem);
    }

    /// <summary>
    /// The last steps of every provider webhook: refuse the structural errors, repair each interaction by the contract
    /// (a broken key refuses the request, as a missing id does), and publish them all.
    /// </summary>
    public static async Task<ProblemHttpResult?> PublishAsync(string provider, WebhookBatch batch, WebhookServices services, CancellationToken cancellationToken)
    {
        var logger = services.Logger;
        if (batch.UnknownAccountRefusal is { } refusal)
        {
            logger.LogWarning("Refused a {Provider} webhook: {Refusal}", provider, refusal);
            return WebhookRequest.UnknownAccount(refusal);
        }

        if (batch.UnknownAccounts.Count > 0)
            logger.LogWarning("{Provider} webhook names accounts no brand owns, not recorded: {Accounts}", provider, batch.UnknownAccounts);

        if (batch.ProviderErrors.Count > 0)
            logger.LogWarning("{Provider} reports errors for {Brands}: {ProviderErrors}", provider, batch.Brands.Keys, batch.ProviderErrors);

        var contractErrors = new Errors();
        var repairs = 0;
        for (var i = 0; i < batch.Interactions.Count; i++)
        {
            var interaction = batch.Interactions[i];
            var enforced = InteractionContract.Enforce(interaction, batch.Brands[interaction.Brand], ContractMode.Repair, contractErrors, $"{interaction.ExternalEventId}: ");
            if (enforced is not null && !enforced.Equals(interaction))
                repairs++;
            batch.Interactions[i] = enforced ?? interaction;
        }

        var errors = batch.Errors.Concat(contractErrors.Count > 0 ? [contractErrors.ToString()] : []).ToList();
        if (errors.Count > 0)
        {
            logger.LogWarning("Refused a {Provider} webhook: {Errors}", provider, errors);
            return WebhookRequest.Malformed(string.Join(" ", errors));
        }

        if (batch.Interactions.Count > 0)
            await services.Publisher.PublishAsync(batch.Interactions, cancellationToken);

        // Routine acceptances are in the traces and the publish metrics (a console line per request cost about a third of
        // what its publish does, profiled); the log keeps what ops should look at: repairs and ignored events.
        logger.Log(repairs > 0 || batch.Ignored > 0 ? LogLevel.Information : LogLevel.Debug,
            "Accepted {Count} {Provider} interaction(s) for {Brands}; {Repaired} repaired by the input contract, {Ignored} event(s) ignored",
            batch.Interactions.Count, provider, batch.Brands.Keys, repairs, batch.Ignored);
        return null;
    }
}
