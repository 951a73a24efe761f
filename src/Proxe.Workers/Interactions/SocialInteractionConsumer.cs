namespace Proxe.Workers.Interactions;

public sealed class SocialInteractionConsumer(ChannelTransactions transactions, SocialSessionWriter sessions)
    : ChannelQueueConsumer(transactions, sessions);
