using MassTransit;
using Microsoft.Extensions.Options;
using Proxe.Contracts;
using Proxe.Messaging;

namespace Proxe.Workers.Interactions;

/// <summary>An interaction a channel's transaction refused on its own data, and why.</summary>
public sealed record RefusedInteraction(ChannelInteractionReceived Interaction, Exception Error);

/// <summary>
/// Records one channel's interactions in transactions of at most TransactionInteractionLimit interactions; after each,
/// publishes its InteractionBatchRecorded (each lead's interactions): only after the commit, and also for duplicates, so
/// a crash between commit and publish heals on redelivery. No outbox: when some interactions are refused, the events of
/// those recorded must still leave, while the culprits go on to _error alone.
/// </summary>
public sealed class ChannelTransactions(InteractionRecorder recorder, ProxeMetrics metrics, IOptions<WorkerOptions> options)
{
    /// <summary>Returns the interactions refused, by id.</summary>
    public async Task<Dictionary<Guid, RefusedInteraction>> RecordAsync(ConsumeContext context, SessionWriter sessions,
        IEnumerable<ChannelInteractionReceived> interactions)
    {
        var refused = new Dictionary<Guid, RefusedInteraction>();
        foreach (var part in interactions.Chunk(options.Value.TransactionInteractionLimit))
        {
            metrics.TransactionRecorded(sessions.Channel, part.Length);
            var outcome = await recorder.RecordBatchAsync(part, sessions, context.CancellationToken);
            if (outcome.Recorded.Count > 0)
                await context.Publish(new InteractionBatchRecorded { Channel = sessions.Channel, Leads = outcome.Events() }, context.CancellationToken);
            foreach (var interaction in part)
                if (outcome.Refused.TryGetValue(interaction.InteractionId, out var error))
                    refused.TryAdd(interaction.InteractionId, new RefusedInteraction(interaction, error));
        }
        return refused;
    }

    /// <summary>
    /// An interaction of a shared message is refused by publishing it alone to its channel's queue, where it fails on its
    /// own, with its own retries and fault headers. It is published before the batch is acknowledged; should the batch
    /// be tried again after that, it is published again, and may reach _error twice (replaying either is harmless).
    /// </summary>
    public static Task PublishAloneAsync(ConsumeContext context, IEnumerable<RefusedInteraction> culprits) =>
        Task.WhenAll(culprits.Select(culprit =>
            context.Publish(culprit.Interaction, MessagingTopology.ConfigureInteractionPublish, context.CancellationToken)));
}
