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
    /// could deadlock with a channel transaction, which updates its leads' rows in batch order. When every remaining
    /// lead is held, the next transaction waits for one alone.
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
                foreach (var journey in journeys)
                {
                    foreach (var recorded in pending[journey.CorrelationId])
                        if (journey.Advance(recorded, now) is { } announcement)
                            announcements.Add(announcement);
                    pending.Remove(journey.CorrelationId);
                }
                await SaveAsync(connection, journeys, cancellationToken);
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

    /// <summary>Every journey's insert or versioned update, with its projection, in one round trip.</summary>
    static async Task SaveAsync(NpgsqlConnection connection, IReadOnlyList<LeadJourneyState> journeys, CancellationToken cancellationToken)
    {
        var expected = journeys.Select(journey => journey.Version).ToList();
        await using var batch = connection.Batch(journeys.Select(journey => journey.Version == 0 ? Insert(connection, journey) : Update(connection, journey)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; i < journeys.Count; i++)
        {
            await reader.ReadAsync(cancellationToken);
            if (reader.GetInt64(0) == 0)
                throw new ConcurrencyException($"Lead journey {journeys[i].CorrelationId} changed since version {expected[i]} was read.",
                    typeof(LeadJourneyState), journeys[i].CorrelationId);
            await reader.NextResultAsync(cancellationToken);
        }
    }

    static NpgsqlCommand Insert(NpgsqlConnection connection, LeadJourneyState journey)
    {
        journey.Version = Math.Max(journey.Folded, 1);
        journey.Folded = 0;
        return StateCommand(connection, $"""
            WITH journey AS (
                INSERT INTO lead_journeys (correlation_id, brand, current_state, version, channels, cross_channel_published_at, state)
                VALUES (@id, @brand, @current_state, @version, @channels, @cross_channel_published_at, @state)
                RETURNING correlation_id),
            {Projection}
            SELECT count(*) FROM journey
            """, journey);
    }

    static NpgsqlCommand Update(NpgsqlConnection connection, LeadJourneyState journey)
    {
        var expected = journey.Version;
        journey.Version += Math.Max(journey.Folded, 1);
        journey.Folded = 0;
        return StateCommand(connection, $"""
            WITH journey AS (
                UPDATE lead_journeys
                SET current_state = @current_state, version = @version, channels = @channels,
                    cross_channel_published_at = @cross_channel_published_at, state = @state
                WHERE correlation_id = @id AND version = @expected
                RETURNING correlation_id),
            {Projection}
            SELECT count(*) FROM journey
            """, journey).With("expected", expected);
    }

    static NpgsqlCommand StateCommand(NpgsqlConnection connection, string sql, LeadJourneyState journey) => connection.Command(sql)
        .With("id", journey.CorrelationId)
        .With("brand", journey.Brand)
        .With("current_state", journey.CurrentState)
        .With("version", journey.Version)
        .With("channels", journey.Journey.ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
        .With("cross_channel_published_at", journey.CrossChannelPublishedAt)
        .WithJson("state", JsonSerializer.Serialize(journey, Json))
        .With("last_touchpoint", journey.LastTouchpoint)
        .With("last_interaction_at", journey.LastInteractionAt)
        .WithJson("unified_context", UnifiedContext(journey).ToJsonString());

    /// <summary>
    /// The lead row shows the journey, in the statement that saved it (only when it saved it). The touchpoint moves
    /// only forward in time: the worker that created the lead may already have stored a newer interaction than any
    /// this journey has seen.
    /// </summary>
    const string Projection = """
        lead AS (
            UPDATE all_leads
            SET last_touchpoint = CASE WHEN last_interaction_at IS NULL OR @last_interaction_at >= last_interaction_at
                                       THEN @last_touchpoint ELSE last_touchpoint END,
                last_interaction_at = greatest(last_interaction_at, @last_interaction_at),
                unified_context = @unified_context
            WHERE id IN (SELECT correlation_id FROM journey) AND brand = @brand)
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
