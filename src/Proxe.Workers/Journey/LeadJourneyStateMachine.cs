using MassTransit;
using Proxe.Contracts;

namespace Proxe.Workers.Journey;

/// <summary>
/// Follows a lead across channels: SingleChannel until a second channel appears, then CrossChannel
/// (announced once with LeadBecameCrossChannel). all_leads' touchpoints and unified_context are written
/// from this state by the repository, in the transaction that saves it.
/// </summary>
public sealed class LeadJourneyStateMachine : MassTransitStateMachine<LeadJourneyState>
{
    public LeadJourneyStateMachine()
    {
        InstanceState(journey => journey.CurrentState);
        Event(() => InteractionRecorded, e => e.CorrelateById(context => context.Message.LeadId));

        Initially(
            When(InteractionRecorded)
                .Then(context => context.Saga.Apply(context.Message))
                .TransitionTo(SingleChannel));

        During(SingleChannel,
            When(InteractionRecorded)
                .Then(context => context.Saga.Apply(context.Message))
                .If(context => context.Saga.Channels.Count > 1, crossed => crossed
                    .Then(context => context.Saga.CrossChannelPublishedAt = DateTimeOffset.UtcNow)
                    .Publish(context => context.Saga.CrossChannelEvent())
                    .TransitionTo(CrossChannel)));

        During(CrossChannel,
            When(InteractionRecorded)
                .Then(context => context.Saga.Apply(context.Message)));
    }

    public State SingleChannel { get; private set; } = null!;
    public State CrossChannel { get; private set; } = null!;

    public Event<LeadInteractionRecorded> InteractionRecorded { get; private set; } = null!;
}
