namespace Proxe.Workers.Interactions;

public sealed class VoiceInteractionConsumer(ChannelTransactions transactions, VoiceSessionWriter sessions)
    : ChannelQueueConsumer(transactions, sessions);
