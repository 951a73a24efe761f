namespace Proxe.Contracts;

/// <summary>Published by a channel worker after its transaction committed, also for a duplicate delivery.</summary>
public record LeadInteractionRecorded
{
    public required Guid LeadId { get; init; }
    public required Guid InteractionId { get; init; }
    public required string Brand { get; init; }
    public required string Channel { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public bool HasMessage { get; init; }
    public string? ConversationSummary { get; init; }
    public string? BookingStatus { get; init; }
    public DateOnly? BookingDate { get; init; }
    public TimeOnly? BookingTime { get; init; }
}

/// <summary>Published once per lead, when a second channel first appears in its journey.</summary>
public record LeadBecameCrossChannel
{
    public required Guid LeadId { get; init; }
    public required string Brand { get; init; }
    public required string FirstChannel { get; init; }
    public required string NewChannel { get; init; }
    public required IReadOnlyList<string> Channels { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// Published by a channel worker once per lead per recorded batch, after the batch committed (also for duplicates):
/// the lead's interactions of that batch, in the order they were recorded. The journey folds them in one transaction.
/// </summary>
public record LeadInteractionsRecorded
{
    public required Guid LeadId { get; init; }
    public required string Brand { get; init; }
    public required IReadOnlyList<LeadInteractionRecorded> Interactions { get; init; }
}
