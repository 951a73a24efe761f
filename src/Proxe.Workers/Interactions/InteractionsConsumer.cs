using MassTransit;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

/// <summary>
/// The gateway's messages, interactions of any channels: each channel's share of a batch is recorded in that channel's
/// transactions, the channels side by side; a culprit is published alone to its channel's queue, so it reaches that
/// channel's _error queue. A message with an interaction of a channel no worker records goes to _error whole, once the
/// rest of the batch is recorded.
/// </summary>
public sealed class InteractionsConsumer(ChannelTransactions transactions, IEnumerable<SessionWriter> writers) : IConsumer<Batch<InteractionsReceived>>
{
    public async Task Consume(ConsumeContext<Batch<InteractionsReceived>> context)
    {
        var byChannel = writers.ToDictionary(writer => writer.Channel, StringComparer.Ordinal);
        var shares = context.Message
            .SelectMany(delivery => delivery.Message.Interactions)
            .Where(interaction => byChannel.ContainsKey(interaction.Channel))
            .GroupBy(interaction => interaction.Channel)
            .Select(channel => transactions.RecordAsync(context, byChannel[channel.Key], channel))
            .ToList();
        var refused = await Failures.WhenAllAsync(shares);
        await ChannelTransactions.PublishAloneAsync(context, refused.SelectMany(channel => channel.Values));

        MessagesRefusedException.ThrowFor(context.Message, delivery =>
            delivery.Message.Interactions.FirstOrDefault(interaction => !byChannel.ContainsKey(interaction.Channel)) is { } unknown
                ? new InvalidOperationException($"No worker records channel '{unknown.Channel}'.")
                : null);
    }
}
