using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
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
        Customer = new CustomerInfo
        {
            Name = Interaction.Customer.Name,
            Email = Interaction.Customer.Email,
            Phone = Interaction.Customer.Phone,
            PhoneNormalized = LeadIdentity.NormalizedPhone(Interaction.Customer),
        },
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
/// Records a batch of one channel's interactions in one transaction, after a short one that gives its new customers their
/// leads and identities (<see cref="LeadResolver.SettleNewCustomersAsync"/>): in each write, the messages in one statement,
/// then the channel sessions in order, with the rules of a single interaction (see <see cref="LeadResolver"/> and the
/// session writers). A redelivery finds the message already there and counts nothing twice. When the transaction fails on an
/// interaction's own data, the batch is split until the culprits stand alone (<see cref="BatchSplitting"/>); the others are recorded.
/// </summary>
public sealed class InteractionRecorder(NpgsqlDataSource dataSource, IEnumerable<IInteractionCommitObserver> observers, ILogger<InteractionRecorder> logger)
{
    public async Task<BatchOutcome> RecordBatchAsync(IReadOnlyList<ChannelInteractionReceived> interactions, SessionWriter sessions,
        CancellationToken cancellationToken)
    {
        var recorded = new List<RecordedInteraction>(interactions.Count);
        var refused = new Dictionary<Guid, Exception>();
        await BatchSplitting.RunAsync(interactions,
            async part => recorded.AddRange(await RecordInOneTransactionAsync(part, sessions, cancellationToken)),
            (interaction, exception) =>
            {
                logger.LogWarning(exception, "Interaction {InteractionId} ({Channel}) was refused", interaction.InteractionId, interaction.Channel);
                refused[interaction.InteractionId] = exception;
            });

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

    async Task<List<RecordedInteraction>> RecordInOneTransactionAsync(IReadOnlyList<ChannelInteractionReceived> interactions, SessionWriter sessions,
        CancellationToken cancellationToken)
    {
        foreach (var interaction in interactions)
            if (interaction.Channel != sessions.Channel)
                throw new InvalidOperationException($"A {interaction.Channel} interaction reached the {sessions.Channel} queue.");

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var known = await LeadResolver.SettleNewCustomersAsync(connection, interactions, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LeadResolver.LockAsync(connection, known, interactions, cancellationToken);

        var recorded = new List<RecordedInteraction>(interactions.Count);
        var resolved = new List<RecordedInteraction>(interactions.Count);
        foreach (var interaction in interactions)
        {
            // Its lead is the one its call's session has: the interactions before it must be written first.
            if (LeadResolver.ResolvesByCall(interaction) && resolved.Count > 0)
                await WriteAsync(connection, known, resolved, sessions, recorded, cancellationToken);
            resolved.Add(new RecordedInteraction(interaction, await LeadResolver.ResolveAsync(connection, known, interaction, cancellationToken)));
        }
        await WriteAsync(connection, known, resolved, sessions, recorded, cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return recorded;
    }

    /// <summary>
    /// The new leads of resolved calls without identities in one round trip, the messages in a second, then their sessions and their
    /// identities in a third; empties <paramref name="resolved"/>. The identities go last: their rows are shared by every
    /// channel's transactions, and those the upsert writes are held from this statement to the commit (most sightings write none:
    /// <see cref="LeadResolver.AttachIdentities"/>). The lead rows are not updated here: what an
    /// interaction adds to its lead (a name, email or phone, an earlier origin) goes with its event to the journey's save
    /// (<see cref="Journey.LeadDetails"/>), which holds those rows for its batch.
    /// </summary>
    async Task WriteAsync(NpgsqlConnection connection, KnownIdentities known, List<RecordedInteraction> resolved,
        SessionWriter sessions, List<RecordedInteraction> recorded, CancellationToken cancellationToken)
    {
        await LeadResolver.CreateLeadsAsync(connection, known, cancellationToken);
        var messages = await InsertMessagesAsync(connection, resolved, cancellationToken);

        var writes = resolved.Select((r, i) => new SessionWrite(r.Interaction, messages[i].LeadId, messages[i].IsNew)).ToList();
        // Round n holds each session's n-th write of the batch, in key order: concurrent transactions take the session rows
        // in one order, and each session's writes apply in batch order, one statement per round.
        var rounds = writes
            .GroupBy(write => (Brand: Sql.WithoutNul(write.Interaction.Brand)!, Key: Sql.WithoutNul(sessions.Key(write.Interaction))!))
            .OrderBy(session => session.Key.Brand, StringComparer.Ordinal).ThenBy(session => session.Key.Key, StringComparer.Ordinal)
            .SelectMany(session => session.Select((write, round) => (write, round)))
            .GroupBy(write => write.round, write => write.write)
            .Select(round => round.ToList())
            .ToList();
        var commands = rounds.Select(round => sessions.Upsert(connection, round)).ToList();
        if (LeadResolver.AttachIdentities(connection, known) is { } identities)
            commands.Add(identities);
        await using (var upserts = connection.Batch(commands))
            await upserts.ExecuteNonQueryAsync(cancellationToken);

        foreach (var write in writes)
        {
            if (write.Interaction.Message is not null && !write.MessageIsNew)
                logger.LogInformation("Interaction {InteractionId} ({Channel}) was already recorded for lead {LeadId}", write.Interaction.InteractionId,
                    write.Interaction.Channel, write.LeadId);
            recorded.Add(new RecordedInteraction(write.Interaction, write.LeadId));
        }
        resolved.Clear();
    }

    /// <summary>
    /// Inserts the messages in order, each with its resolved lead, and tells for each interaction its lead and whether its
    /// message is new. A message whose external id is already stored (or comes earlier in the list) is not inserted and
    /// keeps the lead the first delivery chose, read back from the stored message.
    /// </summary>
    static async Task<(Guid LeadId, bool IsNew)[]> InsertMessagesAsync(NpgsqlConnection connection, IReadOnlyList<RecordedInteraction> interactions,
        CancellationToken cancellationToken)
    {
        var outcome = interactions.Select(r => (r.LeadId, false)).ToArray();
        var positions = Enumerable.Range(0, interactions.Count).Where(i => interactions[i].Interaction.Message is not null).ToList();
        if (positions.Count == 0)
            return outcome;
        var resolved = positions.Select(i => interactions[i]).ToList();

        var channel = resolved[0].Interaction.Channel;
        var brands = resolved.Select(r => Sql.WithoutNul(r.Interaction.Brand)!).ToList();
        var externalIds = resolved.Select(r => Sql.WithoutNul(r.Interaction.ExternalEventId)!).ToList();
        await using var insert = connection.Command("""
            INSERT INTO messages (brand, lead_id, channel, sender, content, message_type, metadata, external_id, occurred_at)
            SELECT brand, lead_id, @channel, sender, content, message_type, coalesce(metadata, '{}'), external_id, occurred_at
            FROM unnest(@brands, @lead_ids, @senders, @contents, @message_types, @metadata, @external_ids, @occurred_at) WITH ORDINALITY
                AS m(brand, lead_id, sender, content, message_type, metadata, external_id, occurred_at, position)
            ORDER BY position
            ON CONFLICT (brand, channel, external_id) DO NOTHING
            RETURNING brand, external_id
            """)
            .With("channel", channel)
            .WithTexts("brands", brands)
            .With("lead_ids", resolved.Select(r => r.LeadId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid)
            .WithTexts("senders", resolved.Select(r => r.Interaction.Message!.Sender))
            .WithTexts("contents", resolved.Select(r => r.Interaction.Message!.Content))
            .WithTexts("message_types", resolved.Select(r => r.Interaction.Message!.Type))
            .WithJsons("metadata", resolved.Select(r => r.Interaction.Message!.Metadata is { ValueKind: JsonValueKind.Object } metadata ? metadata.GetRawText() : null))
            .WithTexts("external_ids", externalIds)
            .With("occurred_at", resolved.Select(r => r.Interaction.OccurredAt.UtcDateTime).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.TimestampTz);
        var inserted = new HashSet<(string Brand, string ExternalId)>();
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                inserted.Add((reader.GetString(0), reader.GetString(1)));

        var duplicates = new List<int>();
        for (var i = 0; i < resolved.Count; i++)
            if (inserted.Remove((brands[i], externalIds[i])))
                outcome[positions[i]] = (resolved[i].LeadId, true);
            else
                duplicates.Add(i);
        if (duplicates.Count == 0)
            return outcome;

        // A statement of its own, so its snapshot also sees a message committed by another transaction after the insert's was taken.
        await using var existing = connection.Command("""
            SELECT m.brand, m.external_id, s.lead_id
            FROM unnest(@brands, @external_ids) AS m(brand, external_id)
            CROSS JOIN LATERAL (SELECT lead_id FROM messages
                                WHERE brand = m.brand AND channel = @channel AND external_id = m.external_id LIMIT 1) s
            """)
            .With("channel", channel)
            .WithTexts("brands", duplicates.Select(i => brands[i]))
            .WithTexts("external_ids", duplicates.Select(i => externalIds[i]));
        var stored = new Dictionary<(string Brand, string ExternalId), Guid>();
        await using (var reader = await existing.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                stored[(reader.GetString(0), reader.GetString(1))] = reader.GetGuid(2);
        foreach (var i in duplicates)
            outcome[positions[i]] = (stored[(brands[i], externalIds[i])], false);
        return outcome;
    }
}
