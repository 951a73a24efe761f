using Proxe.Contracts;
using Proxe.Workers.Journey;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>The journey's fold, on its own: order, redelivery, summaries, booking.</summary>
public sealed class LeadJourneyStateTests
{
    static readonly Guid Lead = Guid.NewGuid();

    static LeadInteractionRecorded Recorded(string channel, DateTimeOffset at, Guid? id = null, bool hasMessage = true, string? summary = null,
        string? bookingStatus = null, DateOnly? bookingDate = null) => new()
    {
        LeadId = Lead, InteractionId = id ?? Guid.NewGuid(), Brand = "b", Channel = channel, OccurredAt = at, HasMessage = hasMessage,
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
    public void A_redelivered_interaction_changes_nothing_but_is_counted_as_folded()
    {
        var journey = new LeadJourneyState();
        var once = Recorded(Channels.Web, T0);
        journey.Apply(new LeadInteractionsRecorded { LeadId = Lead, Brand = "b", Interactions = [once, once, once] });

        Assert.Equal((1, 1), (journey.Channels[Channels.Web].Interactions, journey.Channels[Channels.Web].Messages));
        Assert.Equal([once.InteractionId], journey.RecentInteractionIds);
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
    public void Only_the_most_recent_interaction_ids_are_remembered()
    {
        var journey = new LeadJourneyState();
        var ids = Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()).ToList();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
            journey.Apply(Recorded(Channels.Social, T0.AddSeconds(i), id));

        Assert.Equal(256, journey.RecentInteractionIds.Count);
        Assert.Equal(ids.TakeLast(256), journey.RecentInteractionIds);
        Assert.Equal(300, journey.Channels[Channels.Social].Interactions);
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
