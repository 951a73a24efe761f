using Proxe.Contracts;

namespace Proxe.Gateway.Publishing;

/// <summary>
/// Publishes interactions as persistent messages and returns only after RabbitMQ confirmed every one.
/// Throws <see cref="BrokerUnavailableException"/> when the broker is down or too slow; callers answer 503.
/// </summary>
public interface IInteractionPublisher
{
    Task PublishAsync(IReadOnlyList<ChannelInteractionReceived> interactions, CancellationToken cancellationToken);
}

public sealed class BrokerUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>When the circuit is open: how long until the next attempt reaches the broker.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
