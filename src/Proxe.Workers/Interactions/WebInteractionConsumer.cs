namespace Proxe.Workers.Interactions;

public sealed class WebInteractionConsumer(ChannelTransactions transactions, WebSessionWriter sessions)
    : ChannelQueueConsumer(transactions, sessions);
