using MassTransit;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Proxe.Contracts;

namespace Proxe.Gateway.Publishing;

/// <summary>
/// Publishes through MassTransit with publisher confirms. Each message is mandatory: a message no queue
/// is bound for comes back from the broker and fails the request instead of being accepted and dropped.
/// A timeout and a circuit breaker keep a dead or slow broker from holding requests.
/// </summary>
public sealed class InteractionPublisher(IBus bus, [FromKeyedServices(InteractionPublisher.PipelineKey)] ResiliencePipeline pipeline, ILogger<InteractionPublisher> logger)
    : IInteractionPublisher
{
    public const string PipelineKey = "publish";

    public async Task PublishAsync(IReadOnlyList<ChannelInteractionReceived> interactions, CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.ExecuteAsync(
                static async (state, token) => await Task.WhenAll(state.Interactions.Select(i => state.Bus.Publish(i, Configure, token))),
                (Interactions: interactions, Bus: bus),
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException ex)
        {
            throw new BrokerUnavailableException("The message broker is unavailable.", ex) { RetryAfter = ex.RetryAfter };
        }
        catch (MessageReturnedException ex)
        {
            logger.LogError("RabbitMQ returned an interaction: no queue is bound for its channel (are the workers deployed?)");
            throw new BrokerUnavailableException("No queue accepts this channel yet.", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            logger.LogWarning("Publishing {Count} interaction(s) was not confirmed within {Timeout}", interactions.Count, ex.Timeout);
            throw new BrokerUnavailableException("The message broker did not confirm in time.", ex);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Publishing {Count} interaction(s) failed: {Error}", interactions.Count, ex.GetType().Name);
            throw new BrokerUnavailableException("The message broker did not accept the interactions.", ex);
        }
    }

    private static void Configure(PublishContext<ChannelInteractionReceived> context)
    {
        context.MessageId = context.Message.InteractionId;
        context.Durable = true;
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            rabbit.Mandatory = true;
    }

    /// <summary>
    /// Breaker outside the timeout, so timeouts count as failures; the caller's own cancellation does not, nor a returned
    /// message (the broker is up, only one channel lacks its queue, and the other channels should keep flowing).
    /// </summary>
    public static ResiliencePipeline CreatePipeline(PublishingOptions options, TimeProvider timeProvider) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not (OperationCanceledException or MessageReturnedException)),
            })
            .AddTimeout(options.Timeout)
            .Build();
}
