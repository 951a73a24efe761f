using MassTransit;
using Proxe.Contracts;

namespace Proxe.Workers.Journey;

/// <summary>
/// Follows a lead across channels: SingleChannel until a second channel appears, then CrossChannel
/// (announced once with LeadBecameCrossChannel). all_leads' last touchpoint and unified_context are written
/// from this state by the repository, in the statement that saves it. Channel workers send one
/// LeadInteractionsRecorded per lead per batch; LeadInteractionRecorded (one interaction) is still taken, so events
/// queued before an upgrade are not lost.
/// </summary>
public sealed class LeadJourneyStateMachine : MassTransitStateMachine<LeadJourneyState>
{
    public LeadJourneyStateMachine()
    {
        InstanceState(journey => journey.CurrentState);
        Event(() => InteractionRecorded, e => e.CorrelateById(context => context.Message.LeadId));
        Event(() => InteractionsRecorded, e => e.CorrelateById(context => context.Message.LeadId));

        Initially(
            When(InteractionRecorded)
                .Then(context => context.Saga.Apply(context.Message))
                .TransitionTo(SingleChannel),
            When(InteractionsRecorded)
                .Then(context => context.Saga.Apply(context.Message))
                .TransitionTo(SingleChannel));

        During(SingleChannel,
            When(InteractionRecorded)
                .Then(context => context.Saga.Apply(context.Message))
                .If(context => context.Saga.Channels.Count > 1, AnnounceCrossChannel),
            When(InteractionsRecorded)
                .Then(context => context.Saga.Apply(context.Message))
                .If(context => context.Saga.Channels.Count > 1, AnnounceCrossChannel));

        During(CrossChannel,
            When(InteractionRecorded)
                .Then(context => context.Saga.Apply(context.Message)),
            When(InteractionsRecorded)
                .Then(context => context.Saga.Apply(context.Message)));
    }

    EventActivityBinder<LeadJourneyState, T> AnnounceCrossChannel<T>(EventActivityBinder<LeadJourneyState, T> crossed) where T : class => crossed
        .Then(context => context.Saga.CrossChannelPublishedAt = DateTimeOffset.UtcNow)
        .Publish(context => context.Saga.CrossChannelEvent())
        .TransitionTo(CrossChannel);

    public State SingleChannel { get; private set; } = null!;
    public State CrossChannel { get; private set; } = null!;

    public Event<LeadInteractionRecorded> InteractionRecorded { get; private set; } = null!;
    public Event<LeadInteractionsRecorded> InteractionsRecorded { get; private set; } = null!;
}
