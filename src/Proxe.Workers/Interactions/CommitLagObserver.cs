using Proxe.Contracts;
using Proxe.Messaging;

namespace Proxe.Workers.Interactions;

/// <summary>Measures end-to-end lag, from the gateway receiving an interaction to its transaction having committed.</summary>
public sealed class CommitLagObserver(ProxeMetrics metrics, TimeProvider clock) : IInteractionCommitObserver
{
    public Task CommittedAsync(ChannelInteractionReceived interaction, Guid leadId, CancellationToken cancellationToken)
    {
        metrics.InteractionCommitted(interaction.Channel, interaction.Brand, interaction.ReceivedAt, clock.GetUtcNow());
        return Task.CompletedTask;
    }
}
