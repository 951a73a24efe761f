using MassTransit;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

/// <summary>
/// A channel's queue: interactions alone (a culprit of a shared message, on its way to _error; earlier versions) and
/// earlier gateways' messages of one channel. A single delivery's culprit fails the batch for it, so it goes to
/// _error with its own retries and fault headers.
/// </summary>
public abstract class ChannelQueueConsumer(ChannelTransactions transactions, SessionWriter sessions)
    : IConsumer<Batch<ChannelInteractionReceived>>, IConsumer<Batch<ChannelInteractionsReceived>>
{
    public async Task Consume(ConsumeContext<Batch<ChannelInteractionReceived>> context)
    {
        var deliveries = context.Message;
        var refused = await transactions.RecordAsync(context, sessions, deliveries.Select(delivery => delivery.Message));
        MessagesRefusedException.ThrowFor(deliveries, delivery => refused.GetValueOrDefault(delivery.Message.InteractionId)?.Error);
    }

    public async Task Consume(ConsumeContext<Batch<ChannelInteractionsReceived>> context)
    {
        var refused = await transactions.RecordAsync(context, sessions, context.Message.SelectMany(delivery => delivery.Message.Interactions));
        await ChannelTransactions.PublishAloneAsync(context, refused.Values);
    }
}
