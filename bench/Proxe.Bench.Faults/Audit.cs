using System.Text.Json;
using Npgsql;
using Proxe.Bench.Workload;

namespace Proxe.Bench.Faults;

/// <summary>What PostgreSQL holds of one fault's traffic, checked against every event that got a 2xx.</summary>
public sealed record AuditResult
{
    public required int Accepted { get; init; }
    public required int Recorded { get; init; }

    /// <summary>Accepted events without a messages row, per channel.</summary>
    public required IReadOnlyDictionary<string, int> Missing { get; init; }

    /// <summary>Generated customers whose events ended on more than one lead.</summary>
    public required int DuplicateLeads { get; init; }

    /// <summary>(lead, channel) pairs whose session counter (message_count, engagement_count) is not the number of messages.</summary>
    public required int SessionCounterMismatches { get; init; }

    /// <summary>(lead, channel) pairs whose LeadJourney message count is not the number of messages.</summary>
    public required int JourneyCounterMismatches { get; init; }

    /// <summary>Leads whose first_touchpoint / first_interaction_at are not those of their earliest message by occurred_at.</summary>
    public required int WrongFirstTouchpoints { get; init; }

    /// <summary>Leads whose last_touchpoint is not the channel of their latest message by occurred_at.</summary>
    public required int WrongLastTouchpoints { get; init; }

    /// <summary>Leads whose channel_first_at, journey or details are not what their messages and sessions say, and first times left noted (<see cref="JourneyColumns"/>).</summary>
    public required long WrongJourneys { get; init; }

    /// <summary>Leads whose first message to arrive (created_at) is not their earliest (occurred_at) on another channel: what makes first_touchpoint hard.</summary>
    public required int ReorderedLeads { get; init; }

    public required int Leads { get; init; }
    public required IReadOnlyList<string> Examples { get; init; }
}

public static class Audit
{
    sealed record Row(string Channel, string ExternalId, Guid LeadId, DateTime OccurredAt, DateTime CreatedAt);

    /// <summary>The run's messages, keyed as the traffic remembers them.</summary>
    public static async Task<HashSet<EventKey>> RecordedAsync(NpgsqlDataSource database, Traffic traffic, CancellationToken cancellationToken) =>
        (await RowsAsync(database, traffic, cancellationToken)).Select(row => new EventKey(row.Channel, row.ExternalId)).ToHashSet();

    static async Task<List<Row>> RowsAsync(NpgsqlDataSource database, Traffic traffic, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT channel, external_id, lead_id, occurred_at, created_at FROM messages
            WHERE brand = $1 AND (starts_with(external_id, $2) OR starts_with(external_id, $3))
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = FaultStack.Brand });
        command.Parameters.Add(new NpgsqlParameter { Value = traffic.Run.ExternalIdPrefix });
        command.Parameters.Add(new NpgsqlParameter { Value = traffic.CallSidPrefix });
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new Row(reader.GetString(0), reader.GetString(1), reader.GetGuid(2), reader.GetDateTime(3), reader.GetDateTime(4)));
        return rows;
    }

    public static async Task<AuditResult> RunAsync(NpgsqlDataSource database, Traffic traffic, CancellationToken cancellationToken)
    {
        var rows = await RowsAsync(database, traffic, cancellationToken);
        var recorded = rows.Select(row => new EventKey(row.Channel, row.ExternalId)).ToHashSet();
        var accepted = traffic.Accepted.Keys.ToList();
        var missing = accepted.Where(key => !recorded.Contains(key)).GroupBy(key => key.Channel).ToDictionary(g => g.Key, g => g.Count());
        var examples = new List<string>();

        // One generated customer (one phone, used on every channel) must be one lead.
        var leadsOfCustomer = rows
            .Select(row => (Customer: traffic.Posted.TryGetValue(new EventKey(row.Channel, row.ExternalId), out var lead) ? lead : -1, row.LeadId))
            .GroupBy(x => x.Customer)
            .Where(g => g.Select(x => x.LeadId).Distinct().Count() > 1)
            .ToList();
        examples.AddRange(leadsOfCustomer.Take(3).Select(g => $"customer {traffic.Run.NormalizedPhone(g.Key)[..6]}… is {g.Select(x => x.LeadId).Distinct().Count()} leads"));

        var byLead = rows.GroupBy(row => row.LeadId).ToDictionary(g => g.Key, g => g.ToList());
        var leadIds = byLead.Keys.ToArray();
        var messageCounts = rows.GroupBy(row => (row.LeadId, row.Channel)).ToDictionary(g => g.Key, g => (long)g.Count());

        var sessionCounts = new Dictionary<(Guid, string), long>();
        await using (var command = database.CreateCommand("""
            SELECT lead_id, 'web', sum(message_count)::bigint FROM web_sessions WHERE brand = $1 AND lead_id = ANY($2) GROUP BY lead_id
            UNION ALL
            SELECT lead_id, 'whatsapp', sum(message_count)::bigint FROM whatsapp_sessions WHERE brand = $1 AND lead_id = ANY($2) GROUP BY lead_id
            UNION ALL
            SELECT lead_id, 'social', sum(engagement_count)::bigint FROM social_sessions WHERE brand = $1 AND lead_id = ANY($2) GROUP BY lead_id
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = FaultStack.Brand });
            command.Parameters.Add(new NpgsqlParameter { Value = leadIds });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                sessionCounts[(reader.GetGuid(0), reader.GetString(1))] = reader.GetInt64(2);
        }
        var sessionMismatches = leadIds
            .SelectMany(lead => new[] { "web", "whatsapp", "social" }.Select(channel => (lead, channel)))
            .Where(pair => messageCounts.GetValueOrDefault(pair) != sessionCounts.GetValueOrDefault(pair))
            .ToList();
        examples.AddRange(sessionMismatches.Take(3).Select(p =>
            $"lead {p.lead}: {p.channel} session counter {sessionCounts.GetValueOrDefault(p)}, messages {messageCounts.GetValueOrDefault(p)}"));

        var journeyCounts = new Dictionary<(Guid, string), long>();
        await using (var command = database.CreateCommand("SELECT correlation_id, state FROM lead_journeys WHERE brand = $1 AND correlation_id = ANY($2)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = FaultStack.Brand });
            command.Parameters.Add(new NpgsqlParameter { Value = leadIds });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                using var state = JsonDocument.Parse(reader.GetString(1));
                if (!state.RootElement.TryGetProperty("channels", out var channels))
                    continue;
                foreach (var channel in channels.EnumerateObject())
                    journeyCounts[(reader.GetGuid(0), channel.Name)] =
                        channel.Value.TryGetProperty("messages", out var messages) ? messages.GetInt64() : -1;
            }
        }
        var journeyMismatches = messageCounts.Keys.Concat(journeyCounts.Keys).Distinct()
            .Where(pair => messageCounts.GetValueOrDefault(pair) != journeyCounts.GetValueOrDefault(pair))
            .ToList();
        examples.AddRange(journeyMismatches.Take(3).Select(p =>
            $"lead {p.Item1}: {p.Item2} journey counts {journeyCounts.GetValueOrDefault(p)}, messages {messageCounts.GetValueOrDefault(p)}"));

        int wrongFirst = 0, wrongLast = 0, reordered = 0;
        await using (var command = database.CreateCommand(
            "SELECT id, first_touchpoint, first_interaction_at, last_touchpoint FROM all_leads WHERE brand = $1 AND id = ANY($2)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = FaultStack.Brand });
            command.Parameters.Add(new NpgsqlParameter { Value = leadIds });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var messages = byLead[reader.GetGuid(0)];
                var firstAt = messages.Min(m => m.OccurredAt);
                var lastAt = messages.Max(m => m.OccurredAt);
                // Ties: any channel of the earliest (latest) instant is right.
                var firstChannels = messages.Where(m => m.OccurredAt == firstAt).Select(m => m.Channel).ToHashSet();
                var lastChannels = messages.Where(m => m.OccurredAt == lastAt).Select(m => m.Channel).ToHashSet();
                var first = reader.GetString(1);
                var firstInteractionAt = reader.IsDBNull(2) ? (DateTime?)null : reader.GetDateTime(2);
                if (!firstChannels.Contains(first) || firstInteractionAt != firstAt)
                {
                    wrongFirst++;
                    if (wrongFirst <= 3)
                        examples.Add($"lead {reader.GetGuid(0)}: first_touchpoint {first} at {firstInteractionAt:O}, earliest message {string.Join("/", firstChannels)} at {firstAt:O}");
                }
                if (!lastChannels.Contains(reader.GetString(3)))
                {
                    wrongLast++;
                    if (wrongLast <= 3)
                        examples.Add($"lead {reader.GetGuid(0)}: last_touchpoint {reader.GetString(3)}, latest message {string.Join("/", lastChannels)} at {lastAt:O}");
                }
                var arrivedFirst = messages.MinBy(m => m.CreatedAt)!;
                if (!firstChannels.Contains(arrivedFirst.Channel))
                    reordered++;
            }
        }

        var (wrongJourneys, notedLeft) = await JourneyColumns.CheckAsync(database, leadIds, cancellationToken);
        if (wrongJourneys + notedLeft > 0)
            examples.Add($"{wrongJourneys:N0} leads whose channel first times, journey or details differ from their messages and sessions, {notedLeft:N0} first times left noted");

        return new AuditResult
        {
            Accepted = accepted.Count,
            Recorded = accepted.Count(recorded.Contains),
            Missing = missing,
            DuplicateLeads = leadsOfCustomer.Count,
            SessionCounterMismatches = sessionMismatches.Count,
            JourneyCounterMismatches = journeyMismatches.Count,
            WrongFirstTouchpoints = wrongFirst,
            WrongLastTouchpoints = wrongLast,
            WrongJourneys = wrongJourneys + notedLeft,
            ReorderedLeads = reordered,
            Leads = leadIds.Length,
            Examples = examples,
        };
    }
}
