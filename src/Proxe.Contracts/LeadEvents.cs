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

    /// <summary>
    /// The customer's name, email, phone and normalized phone as the interaction gave them (no other field is set): the
    /// journey's save fills in what its lead still lacks. Null in the events of earlier versions, whose channel workers
    /// filled the lead themselves.
    /// </summary>
    public CustomerInfo? Customer { get; init; }
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
/// One lead's interactions of a recorded batch, in the order they were recorded. Carried in
/// <see cref="InteractionBatchRecorded"/>; published alone by earlier versions, and still taken alone.
/// </summary>
public record LeadInteractionsRecorded
{
    public required Guid LeadId { get; init; }
    public required string Brand { get; init; }
    public required IReadOnlyList<LeadInteractionRecorded> Interactions { get; init; }
}

/// <summary>
/// Published by a channel worker once per recorded batch (per transaction), after it committed (also for duplicates):
/// each lead's interactions of that batch. One message per batch rather than per lead, because the journey takes them in batches anyway.
/// </summary>
public record InteractionBatchRecorded
{
    public required string Channel { get; init; }
    public required IReadOnlyList<LeadInteractionsRecorded> Leads { get; init; }
}
