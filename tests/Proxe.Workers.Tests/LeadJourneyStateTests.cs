using Proxe.Contracts;
using Proxe.Workers.Journey;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>The journey's fold, on its own: order, redelivery, summaries, booking.</summary>
public sealed class LeadJourneyStateTests
{
    static readonly Guid Lead = Guid.NewGuid();

    static LeadInteractionRecorded Recorded(string channel, DateTimeOffset at, bool hasMessage = true, string? summary = null,
        string? bookingStatus = null, DateOnly? bookingDate = null) => new()
    {
        LeadId = Lead, InteractionId = Guid.NewGuid(), Brand = "b", Channel = channel, OccurredAt = at, HasMessage = hasMessage,
        ConversationSummary = summary, BookingStatus = bookingStatus, BookingDate = bookingDate,
    };

    [Fact]
    public void The_newest_interaction_is_the_last_touchpoint_whatever_the_order_of_arrival()
    {
        var journey = new LeadJourneyState();
        journey.Apply(Recorded(Channels.WhatsApp, T0.AddHours(2)));
        journey.Apply(Recorded(Channels.Web, T0));
        journey.Apply(Recorded(Channels.Voice, T0.AddHours(1)));

        Assert.Equal((Channels.WhatsApp, T0.AddHours(2)), (journey.LastTouchpoint, journey.LastInteractionAt));
        Assert.Equal([Channels.Web, Channels.Voice, Channels.WhatsApp], journey.Journey);
        Assert.Equal(T0, journey.Channels[Channels.Web].FirstAt);
    }

    [Fact]
    public void Only_first_sightings_are_folded_once_and_every_event_counts_as_taken()
    {
        var journey = new LeadJourneyState();
        var (once, seenBefore) = (Recorded(Channels.Web, T0), Recorded(Channels.Web, T0.AddMinutes(1)));
        var firstSightings = new HashSet<Guid> { once.InteractionId };
        journey.Advance(new LeadInteractionsRecorded { LeadId = Lead, Brand = "b", Interactions = [once, seenBefore, once] }, firstSightings, T0);

        Assert.Equal((1, 1, T0), (journey.Channels[Channels.Web].Interactions, journey.Channels[Channels.Web].Messages, journey.LastInteractionAt));
        Assert.Empty(firstSightings);
        Assert.Equal(3, journey.Folded);
    }

    [Fact]
    public void The_latest_summary_and_booking_by_provider_time_win_and_a_late_older_one_is_ignored()
    {
        var journey = new LeadJourneyState();
        journey.Apply(Recorded(Channels.Web, T0.AddMinutes(10), summary: "wants a visit", bookingStatus: "confirmed"));
        journey.Apply(Recorded(Channels.Web, T0, summary: "greeting", bookingStatus: "pending", bookingDate: new DateOnly(2025, 3, 8)));
        journey.Apply(Recorded(Channels.Web, T0.AddMinutes(20), hasMessage: false, bookingDate: new DateOnly(2025, 3, 9)));

        var web = journey.Channels[Channels.Web];
        Assert.Equal(("wants a visit", 3, 2), (web.LatestSummary, web.Interactions, web.Messages));
        Assert.Equal(("confirmed", new DateOnly(2025, 3, 9), T0.AddMinutes(20)), (journey.Booking!.Status, journey.Booking.Date, journey.Booking.UpdatedAt));
    }

    [Fact]
    public void The_cross_channel_event_names_the_first_two_channels_by_provider_time()
    {
        var journey = new LeadJourneyState { CorrelationId = Lead };
        journey.Apply(Recorded(Channels.WhatsApp, T0.AddHours(1)));
        journey.Apply(Recorded(Channels.Voice, T0));

        var announced = journey.CrossChannelEvent();
        Assert.Equal((Channels.Voice, Channels.WhatsApp, T0.AddHours(1)), (announced.FirstChannel, announced.NewChannel, announced.OccurredAt));
    }
}
