using MassTransit;
using Microsoft.Extensions.Options;
using Proxe.Contracts;
using Proxe.Messaging;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

/// <summary>
/// Records a batch — interactions alone or in the gateway's shared messages — in transactions of at most
/// TransactionInteractionLimit interactions; after each, publishes its InteractionBatchRecorded (each lead's interactions): only
/// after the commit, and also for duplicates, so a crash between commit and publish heals on redelivery. No outbox: when some interactions are refused, the events of those
/// recorded must still leave, while the culprits go on to _error alone: a single delivery by failing the batch for it,
/// an interaction of a bundle by being published alone (it then fails on its own, with its own retries and fault headers).
/// </summary>
public abstract class InteractionBatchConsumer(InteractionRecorder recorder, SessionWriter sessions, ProxeMetrics metrics, IOptions<WorkerOptions> options)
    : IConsumer<Batch<ChannelInteractionReceived>>, IConsumer<Batch<ChannelInteractionsReceived>>
{
    public async Task Consume(ConsumeContext<Batch<ChannelInteractionReceived>> context)
    {
        var deliveries = context.Message;
        var refused = await RecordAsync(context, deliveries.Select(delivery => delivery.Message));
        MessagesRefusedException.ThrowFor(deliveries, delivery => refused.GetValueOrDefault(delivery.Message.InteractionId).Error);
    }

    /// <summary>
    /// A culprit is published alone before the batch is acknowledged; should the batch be tried again after that, it is
    /// published again, and may reach _error twice (replaying either is harmless).
    /// </summary>
    public async Task Consume(ConsumeContext<Batch<ChannelInteractionsReceived>> context)
    {
        var refused = await RecordAsync(context, context.Message.SelectMany(delivery => delivery.Message.Interactions));
        await Task.WhenAll(refused.Values.Select(culprit =>
            context.Publish(culprit.Interaction, MessagingTopology.ConfigureInteractionPublish, context.CancellationToken)));
    }

    /// <summary>In transactions of at most <see cref="WorkerOptions.TransactionInteractionLimit"/> interactions; returns those refused, by id.</summary>
    async Task<Dictionary<Guid, (ChannelInteractionReceived Interaction, Exception Error)>> RecordAsync(ConsumeContext context,
        IEnumerable<ChannelInteractionReceived> interactions)
    {
        var refused = new Dictionary<Guid, (ChannelInteractionReceived, Exception)>();
        foreach (var part in interactions.Chunk(options.Value.TransactionInteractionLimit))
        {
            var outcome = await RecordTransactionAsync(context, part);
            foreach (var interaction in part)
                if (outcome.Refused.TryGetValue(interaction.InteractionId, out var error))
                    refused.TryAdd(interaction.InteractionId, (interaction, error));
        }
        return refused;
    }

    async Task<BatchOutcome> RecordTransactionAsync(ConsumeContext context, IReadOnlyList<ChannelInteractionReceived> interactions)
    {
        metrics.BatchRecorded(MessagingTopology.QueueFor(sessions.Channel), interactions.Count);
        var outcome = await recorder.RecordBatchAsync(interactions, sessions, context.CancellationToken);
        if (outcome.Recorded.Count > 0)
            await context.Publish(new InteractionBatchRecorded { Channel = sessions.Channel, Leads = outcome.Events() }, context.CancellationToken);
        return outcome;
    }
}
