using System.Text.Json.Serialization;
using Proxe.Contracts;

namespace Proxe.Workers.Journey;

/// <summary>
/// One lead's journey across channels; stored in lead_journeys, its CorrelationId is the lead id. SingleChannel until a
/// second channel appears, then CrossChannel, announced once with LeadBecameCrossChannel.
/// </summary>
public sealed class LeadJourneyState
{
    public const string SingleChannel = nameof(SingleChannel);
    public const string CrossChannel = nameof(CrossChannel);

    public Guid CorrelationId { get; set; }
    public int Version { get; set; }
    public string CurrentState { get; set; } = "";
    public string Brand { get; set; } = "";
    public string? LastTouchpoint { get; set; }
    public DateTimeOffset? LastInteractionAt { get; set; }
    public Dictionary<string, ChannelActivity> Channels { get; set; } = new(StringComparer.Ordinal);
    public BookingState? Booking { get; set; }
    public DateTimeOffset? CrossChannelPublishedAt { get; set; }

    /// <summary>
    /// The interactions folded in, as versions before migration 008 kept them; taken as folded and moved to
    /// lead_journey_interactions when the journey is next saved (<see cref="LeadJourneys"/>).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<Guid>? RecentInteractionIds { get; set; }

    /// <summary>Channels in the order the customer first used them.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Journey => Channels.OrderBy(channel => channel.Value.FirstAt).ThenBy(channel => channel.Key).Select(channel => channel.Key).ToList();

    /// <summary>
    /// Interaction events folded in since the state was loaded, duplicates included. Saving adds them to
    /// <see cref="Version"/>, which thereby counts every interaction event the journey has taken.
    /// </summary>
    [JsonIgnore]
    public int Folded { get; set; }

    /// <summary>
    /// Folds in the events whose interactions are among <paramref name="firstSightings"/> (and takes them out of it: an
    /// interaction is folded once); returns the announcement when they made the journey cross-channel.
    /// </summary>
    public LeadBecameCrossChannel? Advance(LeadInteractionsRecorded recorded, ISet<Guid> firstSightings, DateTimeOffset now)
    {
        foreach (var interaction in recorded.Interactions)
        {
            Folded++;
            if (firstSightings.Remove(interaction.InteractionId))
                Apply(interaction);
        }
        if (CurrentState == CrossChannel || Channels.Count < 2)
            return null;
        CurrentState = CrossChannel;
        CrossChannelPublishedAt = now;
        return CrossChannelEvent();
    }

    /// <summary>Folds one interaction in; an older one never moves the touchpoint back.</summary>
    public void Apply(LeadInteractionRecorded recorded)
    {
        Brand = recorded.Brand;
        if (LastInteractionAt is null || recorded.OccurredAt >= LastInteractionAt)
        {
            LastInteractionAt = recorded.OccurredAt;
            LastTouchpoint = recorded.Channel;
        }

        if (!Channels.TryGetValue(recorded.Channel, out var activity))
            Channels[recorded.Channel] = activity = new ChannelActivity { FirstAt = recorded.OccurredAt, LastAt = recorded.OccurredAt };
        activity.Record(recorded);

        var hasBooking = recorded.BookingStatus is not null || recorded.BookingDate is not null || recorded.BookingTime is not null;
        if (hasBooking && (Booking is null || recorded.OccurredAt >= Booking.UpdatedAt))
            Booking = new BookingState
            {
                Status = recorded.BookingStatus ?? Booking?.Status,
                Date = recorded.BookingDate ?? Booking?.Date,
                Time = recorded.BookingTime ?? Booking?.Time,
                Channel = recorded.Channel,
                UpdatedAt = recorded.OccurredAt,
            };
    }

    public LeadBecameCrossChannel CrossChannelEvent()
    {
        var journey = Journey;
        return new LeadBecameCrossChannel
        {
            LeadId = CorrelationId,
            Brand = Brand,
            FirstChannel = journey[0],
            NewChannel = journey[1],
            Channels = journey,
            OccurredAt = Channels[journey[1]].FirstAt,
        };
    }
}

public sealed class ChannelActivity
{
    public int Interactions { get; set; }
    public int Messages { get; set; }
    public DateTimeOffset FirstAt { get; set; }
    public DateTimeOffset LastAt { get; set; }
    public string? LatestSummary { get; set; }
    public DateTimeOffset? SummaryAt { get; set; }

    public void Record(LeadInteractionRecorded recorded)
    {
        Interactions++;
        if (recorded.HasMessage)
            Messages++;
        if (recorded.OccurredAt < FirstAt)
            FirstAt = recorded.OccurredAt;
        if (recorded.OccurredAt > LastAt)
            LastAt = recorded.OccurredAt;
        if (recorded.ConversationSummary is not null && (SummaryAt is null || recorded.OccurredAt >= SummaryAt))
        {
            LatestSummary = recorded.ConversationSummary;
            SummaryAt = recorded.OccurredAt;
        }
    }
}

public sealed class BookingState
{
    public string? Status { get; set; }
    public DateOnly? Date { get; set; }
    public TimeOnly? Time { get; set; }
    public string? Channel { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
