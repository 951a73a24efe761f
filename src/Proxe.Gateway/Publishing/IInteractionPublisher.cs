using Proxe.Contracts;

namespace Proxe.Gateway.Publishing;

/// <summary>
/// Takes a request's interactions all or nothing: when this returns, RabbitMQ confirmed every one of them as a persistent
/// message, or (broker away) all of them are fsync'd in the gateway's spool and will be published once it is back.
/// Throws <see cref="BrokerUnavailableException"/> when neither is possible (spool full or unwritable): callers answer 503.
/// Throws <see cref="InteractionNotSerializableException"/> for data the input contract should have refused: a 500, nothing published.
/// </summary>
public interface IInteractionPublisher
{
    Task PublishAsync(IReadOnlyList<ChannelInteractionReceived> interactions, CancellationToken cancellationToken);
}
