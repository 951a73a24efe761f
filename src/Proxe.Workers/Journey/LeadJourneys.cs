using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Npgsql;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Journey;

/// <summary>
/// The LeadJourney saga's persistence (the saga: one lead's long-lived journey, driven by its events): each lead's journey in lead_journeys (correlation id = lead id, a version that
/// counts the interaction events taken), projected onto all_leads in the statement that saves it. A batch of events is
/// applied in one transaction that first locks the leads' all_leads rows, so no other journey transaction can change
/// them meanwhile; the version check stays as a guard, and a lost race throws for the endpoint's retry.
/// </summary>
public sealed class LeadJourneys(NpgsqlDataSource dataSource, TimeProvider clock)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Folds the events in, each lead's in order, and hands the announcements of each committed transaction to
    /// <paramref name="announce"/>. Locks only leads no other transaction holds: waiting for one while holding others
    /// could deadlock with another writer of lead rows (another worker's journey, a new customer's transaction claiming a
    /// legacy lead by its phone, any writer outside the workers). When every remaining lead is held, the next transaction
    /// waits for one alone.
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<LeadInteractionsRecorded> events, Func<IReadOnlyList<LeadBecameCrossChannel>, Task> announce,
        CancellationToken cancellationToken)
    {
        var pending = events.GroupBy(recorded => recorded.LeadId).ToDictionary(lead => lead.Key, lead => lead.ToList());
        var missing = new List<Guid>();
        while (pending.Count > 0)
        {
            var announcements = new List<LeadBecameCrossChannel>();
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                var journeys = await LockAsync(connection, pending.Keys, skipLocked: true, cancellationToken);
                if (journeys.Count == 0)
                {
                    var next = pending.Keys.Min();
                    journeys = await LockAsync(connection, [next], skipLocked: false, cancellationToken);
                    if (journeys.Count == 0)
                    {
                        // No such lead: the others are still applied, then its events fail on their own data.
                        missing.Add(next);
                        pending.Remove(next);
                        continue;
                    }
                }

                var now = clock.GetUtcNow();
                var firstSightings = await FirstSightingsAsync(connection, journeys, pending, cancellationToken);
                var details = journeys.ToDictionary(journey => journey.CorrelationId,
                    journey => LeadDetails.Of(pending[journey.CorrelationId].SelectMany(recorded => recorded.Interactions).ToList()));
                foreach (var journey in journeys)
                {
                    var unseen = firstSightings[journey.CorrelationId];
                    foreach (var recorded in pending[journey.CorrelationId])
                        if (journey.Advance(recorded, unseen, now) is { } announcement)
                            announcements.Add(announcement);
                    journey.RecentInteractionIds = null;
                    pending.Remove(journey.CorrelationId);
                }
                await SaveAsync(connection, journeys, details, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            if (announcements.Count > 0)
                await announce(announcements);
        }
        if (missing.Count > 0)
            throw new InvalidOperationException($"Lead(s) {string.Join(", ", missing)} do not exist: their journey events cannot be applied.");
    }

    /// <summary>
    /// Locks the leads' rows, in id order, then reads their journeys in a second statement, whose snapshot follows the
    /// locks (a journey saved by the transaction it waited for is seen); a lead without one gets a new journey.
    /// </summary>
    static async Task<List<LeadJourneyState>> LockAsync(NpgsqlConnection connection, IEnumerable<Guid> leadIds, bool skipLocked,
        CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"""
            SELECT id FROM all_leads WHERE id = ANY(@ids) ORDER BY id FOR NO KEY UPDATE{(skipLocked ? " SKIP LOCKED" : "")};
            SELECT correlation_id, state, version, current_state FROM lead_journeys WHERE correlation_id = ANY(@ids);
            """)
            .With("ids", leadIds.ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var journeys = new Dictionary<Guid, LeadJourneyState>();
        while (await reader.ReadAsync(cancellationToken))
            journeys[reader.GetGuid(0)] = new LeadJourneyState { CorrelationId = reader.GetGuid(0), CurrentState = LeadJourneyState.SingleChannel };
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var leadId = reader.GetGuid(0);
            if (!journeys.ContainsKey(leadId))
                continue; // held by another transaction: taken later
            var journey = JsonSerializer.Deserialize<LeadJourneyState>(reader.GetString(1), Json)!;
            (journey.CorrelationId, journey.Version, journey.CurrentState) = (leadId, reader.GetInt32(2), reader.GetString(3));
            journeys[leadId] = journey;
        }
        return journeys.Values.ToList();
    }

    /// <summary>
    /// Remembers the events' interactions in lead_journey_interactions and returns, per lead, those it had not folded
    /// before: a redelivered or replayed event is recognised for as long as its row is kept. Only locked leads' rows are
    /// written, so no other transaction waits on them. Ids a journey's state still lists (versions before migration 008)
    /// are remembered too and count as folded.
    /// </summary>
    static async Task<Dictionary<Guid, HashSet<Guid>>> FirstSightingsAsync(NpgsqlConnection connection, IReadOnlyList<LeadJourneyState> journeys,
        IReadOnlyDictionary<Guid, List<LeadInteractionsRecorded>> pending, CancellationToken cancellationToken)
    {
        var folded = journeys.SelectMany(journey => (journey.RecentInteractionIds ?? []).Select(id => (Lead: journey.CorrelationId, Interaction: id, journey.Brand)))
            .ToList();
        var rows = journeys.SelectMany(journey => pending[journey.CorrelationId]
                .SelectMany(recorded => recorded.Interactions).Select(interaction => (Lead: journey.CorrelationId, Interaction: interaction.InteractionId, interaction.Brand)))
            .Concat(folded)
            .DistinctBy(row => (row.Lead, row.Interaction))
            .ToList();
        var alreadyFolded = folded.Select(row => (row.Lead, row.Interaction)).ToHashSet();
        await using var command = connection.Command("""
            INSERT INTO lead_journey_interactions (lead_id, interaction_id, brand)
            SELECT * FROM unnest(@lead_ids, @interaction_ids, @brands)
            ON CONFLICT DO NOTHING
            RETURNING lead_id, interaction_id
            """)
            .With("lead_ids", rows.Select(row => row.Lead).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid)
            .With("interaction_ids", rows.Select(row => row.Interaction).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid)
            .WithTexts("brands", rows.Select(row => row.Brand));
        var firstSightings = journeys.ToDictionary(journey => journey.CorrelationId, _ => new HashSet<Guid>());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            if (!alreadyFolded.Contains((reader.GetGuid(0), reader.GetGuid(1))))
                firstSightings[reader.GetGuid(0)].Add(reader.GetGuid(1));
        return firstSightings;
    }

    /// <summary>
    /// The new journeys in one statement and the others' versioned updates in another, each with its projection and its
    /// lead's new details, in one round trip (a statement per journey cost PostgreSQL about three times as much per journey).
    /// </summary>
    static async Task SaveAsync(NpgsqlConnection connection, IReadOnlyList<LeadJourneyState> journeys, IReadOnlyDictionary<Guid, LeadDetails> details,
        CancellationToken cancellationToken)
    {
        var inserted = journeys.Where(journey => journey.Version == 0).ToList();
        var updated = journeys.Where(journey => journey.Version > 0).ToList();
        var expected = journeys.ToDictionary(journey => journey.CorrelationId, journey => journey.Version);
        foreach (var journey in journeys)
        {
            journey.Version += Math.Max(journey.Folded, 1);
            journey.Folded = 0;
        }

        var saved = new HashSet<Guid>();
        var commands = new List<NpgsqlCommand>();
        if (inserted.Count > 0)
            commands.Add(StateCommand(connection, $"""
                WITH journey AS (
                    INSERT INTO lead_journeys (correlation_id, brand, current_state, version, channels, cross_channel_published_at, state)
                    SELECT id, brand, current_state, version, string_to_array(channels, ','), cross_channel_published_at, state
                    FROM {Input}
                    RETURNING correlation_id),
                {Projection}
                SELECT correlation_id FROM journey
                """, inserted, expected, details));
        if (updated.Count > 0)
            commands.Add(StateCommand(connection, $"""
                WITH journey AS (
                    UPDATE lead_journeys j
                    SET current_state = i.current_state, version = i.version, channels = string_to_array(i.channels, ','),
                        cross_channel_published_at = i.cross_channel_published_at, state = i.state
                    FROM {Input}
                    WHERE j.correlation_id = i.id AND j.version = i.expected AND j.correlation_id = ANY(@ids)
                    RETURNING j.correlation_id),
                {Projection}
                SELECT correlation_id FROM journey
                """, updated, expected, details));
        await using (var batch = connection.Batch(commands))
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            do
                while (await reader.ReadAsync(cancellationToken))
                    saved.Add(reader.GetGuid(0));
            while (await reader.NextResultAsync(cancellationToken));

        foreach (var journey in updated)
            if (!saved.Contains(journey.CorrelationId))
                throw new ConcurrencyException($"Lead journey {journey.CorrelationId} changed since version {expected[journey.CorrelationId]} was read.",
                    typeof(LeadJourneyState), journey.CorrelationId);
    }

    /// <summary>The journeys as rows, for <see cref="StateCommand"/>'s parameters.</summary>
    const string Input = """
        unnest(@ids, @brands, @expected, @versions, @current_states, @channels, @cross_channel_published_at, @states,
               @last_touchpoints, @last_interaction_ats, @unified_contexts,
               @names, @emails, @phones, @phones_normalized, @first_ats, @first_channels)
            AS i(id, brand, expected, version, current_state, channels, cross_channel_published_at, state,
                 last_touchpoint, last_interaction_at, unified_context,
                 name, email, phone, phones_normalized, first_at, first_channel)
        """;

    static NpgsqlCommand StateCommand(NpgsqlConnection connection, string sql, IReadOnlyList<LeadJourneyState> journeys,
        IReadOnlyDictionary<Guid, int> expected, IReadOnlyDictionary<Guid, LeadDetails> details) => connection.Command(sql)
        .With("ids", journeys.Select(journey => journey.CorrelationId).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid)
        .WithTexts("brands", journeys.Select(journey => journey.Brand))
        .With("expected", journeys.Select(journey => expected[journey.CorrelationId]).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer)
        .With("versions", journeys.Select(journey => journey.Version).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer)
        .WithTexts("current_states", journeys.Select(journey => journey.CurrentState))
        .WithTexts("channels", journeys.Select(journey => string.Join(',', journey.Journey)))
        .With("cross_channel_published_at", journeys.Select(journey => journey.CrossChannelPublishedAt?.UtcDateTime).ToArray(),
            NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz)
        .WithJsons("states", journeys.Select(journey => JsonSerializer.Serialize(journey, Json)))
        .WithTexts("last_touchpoints", journeys.Select(journey => journey.LastTouchpoint))
        .With("last_interaction_ats", journeys.Select(journey => journey.LastInteractionAt?.UtcDateTime).ToArray(),
            NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz)
        .WithJsons("unified_contexts", journeys.Select(journey => UnifiedContext(journey).ToJsonString()))
        .WithTexts("names", journeys.Select(journey => details[journey.CorrelationId].Name))
        .WithTexts("emails", journeys.Select(journey => details[journey.CorrelationId].Email))
        .WithTexts("phones", journeys.Select(journey => details[journey.CorrelationId].Phone))
        .WithJsons("phones_normalized", journeys.Select(journey => details[journey.CorrelationId].NormalizedPhones is { Count: > 0 } phones
            ? JsonSerializer.Serialize(phones) : null))
        .With("first_ats", journeys.Select(journey => details[journey.CorrelationId].FirstAt?.UtcDateTime).ToArray(),
            NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz)
        .WithTexts("first_channels", journeys.Select(journey => details[journey.CorrelationId].FirstChannel));

    /// <summary>
    /// The lead rows show the journeys, in the statement that saved them (only those it saved), with the details their
    /// interactions add (<see cref="LeadDetails"/>). The touchpoint moves only forward in time: the worker that created
    /// the lead may already have stored a newer interaction than any journey has seen. The channels' first times their transactions noted for these leads (migration 009) go into the
    /// same row update; one a channel transaction still holds is taken by a later save, as that transaction's event follows.
    /// The plan must not hang on statistics, which autovacuum often takes while these tables are nearly empty. The
    /// noted times are locked once, into an array, and deleted by row id in one pass: as a semi-join of
    /// lead_channel_firsts with itself, the delete rescanned the table for each of its rows, a 15 s save of 420 new leads
    /// (bench/README.md, stop 33). The = ANY(@ids) conditions repeat the joins on purpose, so the planner has each
    /// table's primary key to use. A noted time a channel transaction rewrote and committed after this statement's
    /// snapshot is locked in its new version, which this snapshot cannot delete: it stays for a later save.
    /// </summary>
    const string Projection = $"""
        noted AS (
            DELETE FROM lead_channel_firsts n
            WHERE n.ctid = ANY(ARRAY(SELECT o.ctid FROM lead_channel_firsts o
                                     WHERE o.lead_id = ANY(@ids) AND o.lead_id IN (SELECT correlation_id FROM journey)
                                     FOR UPDATE SKIP LOCKED))
            RETURNING n.lead_id, n.channel, n.first_at),
        lead AS (
            UPDATE all_leads l
            SET last_touchpoint = CASE WHEN l.last_interaction_at IS NULL OR i.last_interaction_at >= l.last_interaction_at
                                       THEN i.last_touchpoint ELSE l.last_touchpoint END,
                last_interaction_at = greatest(l.last_interaction_at, i.last_interaction_at),
                unified_context = i.unified_context,
                channel_first_at = CASE WHEN f.firsts IS NULL THEN l.channel_first_at
                                        ELSE proxe_channel_firsts_merged(l.channel_first_at, f.firsts) END,
                {LeadDetails.Fill}
            FROM {Input}
            LEFT JOIN (SELECT lead_id, jsonb_object_agg(channel, first_at) AS firsts FROM noted GROUP BY lead_id) f ON f.lead_id = i.id
            WHERE l.id = i.id AND l.brand = i.brand AND i.id IN (SELECT correlation_id FROM journey) AND l.id = ANY(@ids))
        """;

    static JsonObject UnifiedContext(LeadJourneyState journey)
    {
        var channels = new JsonObject();
        foreach (var channel in journey.Journey)
        {
            var activity = journey.Channels[channel];
            channels[channel] = new JsonObject
            {
                ["interactions"] = activity.Interactions,
                ["messages"] = activity.Messages,
                ["first_at"] = activity.FirstAt,
                ["last_at"] = activity.LastAt,
                ["latest_summary"] = activity.LatestSummary,
            };
        }

        return new JsonObject
        {
            ["journey"] = new JsonArray(journey.Journey.Select(channel => (JsonNode?)channel).ToArray()),
            ["cross_channel"] = journey.Channels.Count > 1,
            ["channels"] = channels,
            ["booking"] = journey.Booking is null ? null : JsonSerializer.SerializeToNode(journey.Booking, Json),
        };
    }
}
