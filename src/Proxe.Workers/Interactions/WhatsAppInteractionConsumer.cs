namespace Proxe.Workers.Interactions;

public sealed class WhatsAppInteractionConsumer(ChannelTransactions transactions, WhatsAppSessionWriter sessions)
    : ChannelQueueConsumer(transactions, sessions);
