using Npgsql;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

/// <summary>
/// The hook after commit: told about every committed interaction, in batch order, before any event of its batch is
/// published. Throwing here fails the batch as a crash before the publish would (it is recorded again, harmlessly).
/// </summary>
public interface IInteractionCommitObserver
{
    Task CommittedAsync(ChannelInteractionReceived interaction, Guid leadId, CancellationToken cancellationToken);
}

/// <summary>An interaction that is in the database, and the lead it belongs to.</summary>
public sealed record RecordedInteraction(ChannelInteractionReceived Interaction, Guid LeadId)
{
    public LeadInteractionRecorded Event() => new()
    {
        LeadId = LeadId,
        InteractionId = Interaction.InteractionId,
        Brand = Interaction.Brand,
        Channel = Interaction.Channel,
        OccurredAt = Interaction.OccurredAt,
        HasMessage = Interaction.Message is not null,
        ConversationSummary = Interaction.Web?.ConversationSummary ?? Interaction.WhatsApp?.ConversationSummary
                              ?? Interaction.Voice?.CallSummary ?? Interaction.Social?.ConversationSummary,
        BookingStatus = Interaction.Web?.BookingStatus,
        BookingDate = Interaction.Web?.BookingDate,
        BookingTime = Interaction.Web?.BookingTime,
    };
}

/// <summary>What became of a batch: the recorded interactions, in batch order, and those refused on their own data.</summary>
public sealed record BatchOutcome(IReadOnlyList<RecordedInteraction> Recorded, IReadOnlyDictionary<Guid, Exception> Refused)
{
    /// <summary>One event per lead, its interactions in batch order (duplicates too, so a lost publish heals).</summary>
    public IReadOnlyList<LeadInteractionsRecorded> Events() => Recorded
        .GroupBy(recorded => recorded.LeadId)
        .Select(lead => new LeadInteractionsRecorded
        {
            LeadId = lead.Key,
            Brand = lead.First().Interaction.Brand,
            Interactions = lead.Select(recorded => recorded.Event()).ToList(),
        })
        .ToList();
}

/// <summary>
/// Records a batch of one channel's interactions in one transaction: for each, in order, the lead, the message and
/// the channel session, with the rules of a single interaction (see <see cref="LeadResolver"/> and the session
/// writers). A redelivery finds the message already there and counts nothing twice. When the transaction fails on an
/// interaction's own data, the batch is split in halves until the culprits stand alone; the others are recorded.
/// Outages and races are not handled here: they fail the whole batch, for the endpoint's failure policy.
/// </summary>
public sealed class InteractionRecorder(NpgsqlDataSource dataSource, IEnumerable<IInteractionCommitObserver> observers, ILogger<InteractionRecorder> logger)
{
    public async Task<BatchOutcome> RecordBatchAsync(IReadOnlyList<ChannelInteractionReceived> interactions, SessionWriter sessions,
        CancellationToken cancellationToken)
    {
        var recorded = new List<RecordedInteraction>(interactions.Count);
        var refused = new Dictionary<Guid, Exception>();
        await RecordOrSplitAsync(interactions, sessions, recorded, refused, cancellationToken);

        foreach (var interaction in recorded)
            foreach (var observer in observers)
                await observer.CommittedAsync(interaction.Interaction, interaction.LeadId, cancellationToken);
        return new BatchOutcome(recorded, refused);
    }

    /// <summary>One interaction on its own (the ceiling benchmark); a refused one throws its exception.</summary>
    public async Task<LeadInteractionRecorded> RecordAsync(ChannelInteractionReceived interaction, SessionWriter sessions, CancellationToken cancellationToken)
    {
        var outcome = await RecordBatchAsync([interaction], sessions, cancellationToken);
        return outcome.Refused.Count > 0 ? throw outcome.Refused.Values.First() : outcome.Recorded[0].Event();
    }

    async Task RecordOrSplitAsync(IReadOnlyList<ChannelInteractionReceived> interactions, SessionWriter sessions,
        List<RecordedInteraction> recorded, Dictionary<Guid, Exception> refused, CancellationToken cancellationToken)
    {
        try
        {
            recorded.AddRange(await RecordInOneTransactionAsync(interactions, sessions, cancellationToken));
        }
        catch (Exception exception) when (Failures.Classify(exception) == FailureKind.Message)
        {
            if (interactions.Count == 1)
            {
                logger.LogWarning(exception, "Interaction {InteractionId} ({Channel}) was refused", interactions[0].InteractionId, interactions[0].Channel);
                refused[interactions[0].InteractionId] = exception;
                return;
            }
            var half = interactions.Count / 2;
            await RecordOrSplitAsync(interactions.Take(half).ToList(), sessions, recorded, refused, cancellationToken);
            await RecordOrSplitAsync(interactions.Skip(half).ToList(), sessions, recorded, refused, cancellationToken);
        }
    }

    async Task<List<RecordedInteraction>> RecordInOneTransactionAsync(IReadOnlyList<ChannelInteractionReceived> interactions, SessionWriter sessions,
        CancellationToken cancellationToken)
    {
        foreach (var interaction in interactions)
            if (interaction.Channel != sessions.Channel)
                throw new InvalidOperationException($"A {interaction.Channel} interaction reached the {sessions.Channel} queue.");

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LeadResolver.LockAsync(connection, interactions.SelectMany(LeadResolver.LockKeys), cancellationToken);

        var recorded = new List<RecordedInteraction>(interactions.Count);
        foreach (var interaction in interactions)
        {
            var leadId = await LeadResolver.ResolveAsync(connection, interaction, cancellationToken);
            var messageIsNew = false;
            if (interaction.Message is not null)
                (leadId, messageIsNew) = await InsertMessageAsync(connection, interaction, leadId, cancellationToken);
            await sessions.UpsertAsync(connection, new SessionWrite(interaction, leadId, messageIsNew), cancellationToken);
            if (interaction.Message is not null && !messageIsNew)
                logger.LogInformation("Interaction {InteractionId} ({Channel}) was already recorded for lead {LeadId}", interaction.InteractionId, interaction.Channel, leadId);
            recorded.Add(new RecordedInteraction(interaction, leadId));
        }

        await transaction.CommitAsync(cancellationToken);
        return recorded;
    }

    /// <summary>On a duplicate the lead is read back from the stored message: that is the lead the first delivery chose.</summary>
    static async Task<(Guid LeadId, bool IsNew)> InsertMessageAsync(NpgsqlConnection connection, ChannelInteractionReceived interaction,
        Guid leadId, CancellationToken cancellationToken)
    {
        var message = interaction.Message!;
        await using var insert = connection.Command("""
            WITH inserted AS (
                INSERT INTO messages (brand, lead_id, channel, sender, content, message_type, metadata, external_id, occurred_at)
                VALUES (@brand, @lead_id, @channel, @sender, @content, @message_type, coalesce(@metadata, '{}'), @external_id, @occurred_at)
                ON CONFLICT (brand, channel, external_id) DO NOTHING
                RETURNING lead_id)
            SELECT lead_id, true FROM inserted
            UNION ALL
            SELECT lead_id, false FROM messages
            WHERE brand = @brand AND channel = @channel AND external_id = @external_id AND NOT EXISTS (SELECT 1 FROM inserted)
            """)
            .With("brand", interaction.Brand)
            .With("lead_id", leadId)
            .With("channel", interaction.Channel)
            .With("sender", message.Sender)
            .With("content", message.Content)
            .With("message_type", message.Type)
            .WithJson("metadata", message.Metadata is { ValueKind: System.Text.Json.JsonValueKind.Object } metadata ? metadata.GetRawText() : null)
            .With("external_id", interaction.ExternalEventId)
            .With("occurred_at", interaction.OccurredAt);
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
            if (await reader.ReadAsync(cancellationToken))
                return (reader.GetGuid(0), reader.GetBoolean(1));

        // Inserted by a transaction that committed after this statement's snapshot was taken: a fresh one sees it.
        await using var existing = connection.Command("SELECT lead_id FROM messages WHERE brand = @brand AND channel = @channel AND external_id = @external_id")
            .With("brand", interaction.Brand)
            .With("channel", interaction.Channel)
            .With("external_id", interaction.ExternalEventId);
        return ((Guid)(await existing.ExecuteScalarAsync(cancellationToken))!, false);
    }
}
