using MassTransit;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Proxe.Contracts;

namespace Proxe.Gateway.Publishing;

/// <summary>
/// Publishes through MassTransit with publisher confirms, each message mandatory, under a timeout and a circuit breaker,
/// in messages shared with other requests (<see cref="InteractionBundler"/>).
/// When the broker cannot take a request (unreachable, circuit open, no confirm in time, nack, no queue bound), the
/// request goes whole into the spool, fsync'd, and the drain publishes it later: either way the caller may answer 2xx.
/// While the broker is away (<see cref="BrokerOutage"/>) new requests go straight to the spool, behind the backlog;
/// once the drain has a confirm they publish live again while the drain empties the backlog beside them, so the
/// spool always drains, even under more load than the drain alone could carry.
/// </summary>
public sealed class InteractionPublisher(
    InteractionBundler bundler,
    InteractionSpool spool,
    BrokerOutage outage,
    IOptions<SpoolOptions> spoolOptions,
    IHttpContextAccessor httpContextAccessor,
    ILogger<InteractionPublisher> logger)
    : IInteractionPublisher
{
    /// <summary>Set on a 2xx whose interactions wait in the spool rather than in RabbitMQ.</summary>
    public const string SpooledHeader = "X-Proxe-Spooled";

    public async Task PublishAsync(IReadOnlyList<ChannelInteractionReceived> interactions, CancellationToken cancellationToken)
    {
        byte[] record;
        try
        {
            record = SpooledInteractions.Serialize(interactions);
        }
        catch (InteractionNotSerializableException ex)
        {
            logger.LogError("Refused {Count} interaction(s) {InteractionIds}: they passed validation but cannot be serialized ({Error})",
                interactions.Count, interactions.Select(i => i.InteractionId), ex.InnerException?.GetType().Name);
            throw;
        }

        if (outage.IsActive && spool.Current.Requests > 0)
        {
            await SpoolAsync(record, interactions, cancellationToken);
            return;
        }

        try
        {
            await bundler.PublishAsync(interactions, cancellationToken);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException)
        {
            outage.Begin();
            logger.LogWarning("Spooling {Count} interaction(s): the circuit to the broker is open", interactions.Count);
        }
        catch (MessageReturnedException)
        {
            // The broker is up: spool without declaring an outage, so the next request still tries to publish live.
            logger.LogError("Spooling {Count} interaction(s): RabbitMQ returned them, no queue is bound for interactions (are the workers deployed?)",
                interactions.Count);
        }
        catch (TimeoutRejectedException ex)
        {
            outage.Begin();
            logger.LogWarning("Spooling {Count} interaction(s): the broker did not confirm within {Timeout}", interactions.Count, ex.Timeout);
        }
        catch (Exception ex)
        {
            outage.Begin();
            logger.LogWarning("Spooling {Count} interaction(s): publishing failed ({Error})", interactions.Count, ex.GetType().Name);
        }

        // The request's message may still reach the broker (a publish that timed out and is confirmed later): the
        // spooled copy then publishes it twice, and the deterministic interaction ids make the second a no-op for the workers.
        await SpoolAsync(record, interactions, cancellationToken);
    }

    private async Task SpoolAsync(byte[] record, IReadOnlyList<ChannelInteractionReceived> interactions, CancellationToken cancellationToken)
    {
        SpoolAppendResult result;
        try
        {
            result = await spool.AppendAsync(record, interactions.Count, cancellationToken);
        }
        catch (SpoolUnavailableException ex)
        {
            throw new BrokerUnavailableException("The message broker is unavailable and the gateway's spool cannot be written.", ex)
            {
                RetryAfter = spoolOptions.Value.RetryAfter,
            };
        }

        if (result == SpoolAppendResult.Full)
        {
            var status = spool.Current;
            logger.LogWarning("Refused {Count} interaction(s): the broker cannot take them and the spool is full ({Requests} requests, {Bytes} bytes, oldest {OldestAge})",
                interactions.Count, status.Requests, status.Bytes, status.OldestAge);
            throw new BrokerUnavailableException("The message broker is unavailable and the gateway's spool is full.") { RetryAfter = spoolOptions.Value.RetryAfter };
        }

        if (httpContextAccessor.HttpContext is { } http)
            http.Response.Headers[SpooledHeader] = "true";
    }
}
