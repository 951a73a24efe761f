using MassTransit;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Journey;

/// <summary>
/// The LeadJourney saga's endpoint: follows each lead across channels (last touchpoint, unified_context, the
/// cross-channel announcement) from the channel workers' InteractionBatchRecorded, a batch of them per transaction
/// (<see cref="LeadJourneys"/>). An announcement leaves once its journey is saved. LeadInteractionsRecorded and
/// LeadInteractionRecorded, which earlier versions published, are still taken, so events queued before an upgrade are not lost.
/// </summary>
public sealed class LeadJourneyConsumer(LeadJourneys journeys) : IConsumer<Batch<InteractionBatchRecorded>>,
    IConsumer<LeadInteractionsRecorded>, IConsumer<LeadInteractionRecorded>
{
    public async Task Consume(ConsumeContext<Batch<InteractionBatchRecorded>> context)
    {
        // Split by lead, not by message: one message carries a whole channel batch, and a lead that fails must not hold the
        // others back. Its message goes to _error whole; replaying it applies nothing twice (within JourneyMemory).
        var refused = new Dictionary<Guid, Exception>();
        await BatchSplitting.RunAsync(context.Message.SelectMany(delivery => delivery.Message.Leads.Select(lead => (delivery, lead))).ToList(),
            part => journeys.ApplyAsync(part.Select(item => item.lead).ToList(), Announce(context), context.CancellationToken),
            (item, exception) => refused[item.delivery.MessageId ?? Guid.Empty] = exception);
        MessagesRefusedException.ThrowFor(context.Message, delivery => refused.GetValueOrDefault(delivery.MessageId ?? Guid.Empty));
    }

    public Task Consume(ConsumeContext<LeadInteractionsRecorded> context) =>
        journeys.ApplyAsync([context.Message], Announce(context), context.CancellationToken);

    public Task Consume(ConsumeContext<LeadInteractionRecorded> context) =>
        journeys.ApplyAsync([new LeadInteractionsRecorded { LeadId = context.Message.LeadId, Brand = context.Message.Brand, Interactions = [context.Message] }],
            Announce(context), context.CancellationToken);

    static Func<IReadOnlyList<LeadBecameCrossChannel>, Task> Announce(ConsumeContext context) =>
        announcements => context.PublishBatch(announcements, context.CancellationToken);
}
