using MassTransit;
using Proxe.Contracts;
using Proxe.Messaging;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

/// <summary>
/// Records a batch, then publishes its InteractionBatchRecorded (each lead's interactions): only after the commit, and also for
/// duplicates, so a crash between commit and publish heals on redelivery. No outbox: when some interactions are
/// refused, the events of those recorded must still leave, while the batch fails so the culprits reach _error.
/// </summary>
public abstract class InteractionBatchConsumer(InteractionRecorder recorder, SessionWriter sessions, ProxeMetrics metrics) : IConsumer<Batch<ChannelInteractionReceived>>
{
    public async Task Consume(ConsumeContext<Batch<ChannelInteractionReceived>> context)
    {
        var deliveries = context.Message;
        metrics.BatchRecorded(MessagingTopology.QueueFor(sessions.Channel), deliveries.Length);
        var outcome = await recorder.RecordBatchAsync(deliveries.Select(delivery => delivery.Message).ToList(), sessions, context.CancellationToken);
        if (outcome.Recorded.Count > 0)
            await context.Publish(new InteractionBatchRecorded { Channel = sessions.Channel, Leads = outcome.Events() }, context.CancellationToken);

        MessagesRefusedException.ThrowFor(deliveries, delivery => outcome.Refused.GetValueOrDefault(delivery.Message.InteractionId));
    }
}
