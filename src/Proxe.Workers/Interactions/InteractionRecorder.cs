using Npgsql;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

/// <summary>Told about every committed interaction, before LeadInteractionRecorded leaves the in-memory outbox.</summary>
public interface IInteractionCommitObserver
{
    Task CommittedAsync(ChannelInteractionReceived interaction, Guid leadId, CancellationToken cancellationToken);
}

/// <summary>
/// Records one interaction in one transaction: lead, channel session, message. A redelivery finds the message
/// already there, counts nothing twice, and still returns the event, so a lost publish is published again.
/// </summary>
public sealed class InteractionRecorder(NpgsqlDataSource dataSource, IEnumerable<IInteractionCommitObserver> observers, ILogger<InteractionRecorder> logger)
{
    public async Task<LeadInteractionRecorded> RecordAsync(ChannelInteractionReceived interaction, SessionWriter sessions, CancellationToken cancellationToken)
    {
        if (interaction.Channel != sessions.Channel)
            throw new InvalidOperationException($"A {interaction.Channel} interaction reached the {sessions.Channel} queue.");

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var leadId = await LeadResolver.ResolveAsync(connection, interaction, cancellationToken);
        var messageIsNew = false;
        if (interaction.Message is not null)
            (leadId, messageIsNew) = await InsertMessageAsync(connection, interaction, leadId, cancellationToken);
        await sessions.UpsertAsync(connection, new SessionWrite(interaction, leadId, messageIsNew), cancellationToken);

        await transaction.CommitAsync(cancellationToken);

        if (interaction.Message is not null && !messageIsNew)
            logger.LogInformation("Interaction {InteractionId} ({Channel}) was already recorded for lead {LeadId}", interaction.InteractionId, interaction.Channel, leadId);

        foreach (var observer in observers)
            await observer.CommittedAsync(interaction, leadId, cancellationToken);

        return new LeadInteractionRecorded
        {
            LeadId = leadId,
            InteractionId = interaction.InteractionId,
            Brand = interaction.Brand,
            Channel = interaction.Channel,
            OccurredAt = interaction.OccurredAt,
            HasMessage = interaction.Message is not null,
            ConversationSummary = interaction.Web?.ConversationSummary ?? interaction.WhatsApp?.ConversationSummary
                                  ?? interaction.Voice?.CallSummary ?? interaction.Social?.ConversationSummary,
            BookingStatus = interaction.Web?.BookingStatus,
            BookingDate = interaction.Web?.BookingDate,
            BookingTime = interaction.Web?.BookingTime,
        };
    }

    /// <summary>On a duplicate the lead is read back from the stored message: that is the lead the first delivery chose.</summary>
    static async Task<(Guid LeadId, bool IsNew)> InsertMessageAsync(NpgsqlConnection connection, ChannelInteractionReceived interaction,
        Guid leadId, CancellationToken cancellationToken)
    {
        var message = interaction.Message!;
        await using var insert = connection.Command("""
            INSERT INTO messages (brand, lead_id, channel, sender, content, message_type, metadata, external_id, occurred_at)
            VALUES (@brand, @lead_id, @channel, @sender, @content, @message_type, coalesce(@metadata, '{}'), @external_id, @occurred_at)
            ON CONFLICT (brand, channel, external_id) DO NOTHING
            RETURNING lead_id
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
        if (await insert.ExecuteScalarAsync(cancellationToken) is Guid inserted)
            return (inserted, true);

        await using var existing = connection.Command("SELECT lead_id FROM messages WHERE brand = @brand AND channel = @channel AND external_id = @external_id")
            .With("brand", interaction.Brand)
            .With("channel", interaction.Channel)
            .With("external_id", interaction.ExternalEventId);
        return ((Guid)(await existing.ExecuteScalarAsync(cancellationToken))!, false);
    }
}
