using Dapper;
using Npgsql;
using Proxe.Contracts;
using Proxe.Dashboard.Data;
using Proxe.Dashboard.Leads;

namespace Proxe.Dashboard.Stats;

/// <summary>Aggregates over leads whose first interaction (provider time) falls in [from, to), brand-scoped by RLS.</summary>
public static class StatsQueries
{
    private const string LeadsInRange = "l.first_interaction_at >= @from::timestamptz AND l.first_interaction_at < @to::timestamptz";
    private const string MessagesInRange = "m.occurred_at >= @from::timestamptz AND m.occurred_at < @to::timestamptz";

    public const string JourneyPathsSql = $"""
        SELECT l.journey, count(*) AS n FROM all_leads l WHERE {LeadsInRange}
        GROUP BY l.journey ORDER BY n DESC, l.journey LIMIT @limit
        """;

    public const string FirstLastSql = $"""
        SELECT l.first_touchpoint, l.last_touchpoint, count(*) AS n FROM all_leads l WHERE {LeadsInRange}
        GROUP BY 1, 2 ORDER BY n DESC, 1, 2
        """;

    public const string NewLeadsSql = $"""
        SELECT date_trunc(@interval, l.first_interaction_at AT TIME ZONE 'UTC') AS bucket, l.first_touchpoint, count(*)
        FROM all_leads l WHERE {LeadsInRange}
        GROUP BY 1, 2
        """;

    public const string ActiveLeadsSql = $"""
        SELECT date_trunc(@interval, m.occurred_at AT TIME ZONE 'UTC') AS bucket, m.channel, count(DISTINCT m.lead_id)
        FROM messages m WHERE {MessagesInRange}
        GROUP BY 1, 2
        """;

    public const string ActiveTotalsSql = $"""
        SELECT m.channel, count(DISTINCT m.lead_id) FROM messages m WHERE {MessagesInRange} GROUP BY 1
        """;

    public static async Task<JourneyStats> JourneysAsync(NpgsqlConnection connection, DateTime from, DateTime to, int limit, CancellationToken cancellationToken)
    {
        var range = new { from = LeadQueries.Timestamp(from), to = LeadQueries.Timestamp(to), limit };
        var paths = (await connection.QueryAsync<(string[] Journey, long Count)>(new CommandDefinition(JourneyPathsSql, range, cancellationToken: cancellationToken)))
            .Select(p => new JourneyPath(p.Journey, string.Join(" → ", p.Journey.Select(ChannelLabels.Name)), p.Count)).ToList();

        var pairs = (await connection.QueryAsync<(string First, string Last, long Count)>(new CommandDefinition(FirstLastSql, range, cancellationToken: cancellationToken)))
            .Select(p => new FirstLastPair(p.First, p.Last, p.Count)).ToList();

        return new JourneyStats(from, to, pairs.Sum(p => p.Count), paths, pairs);
    }

    public static async Task<LeadStats> LeadsAsync(NpgsqlConnection connection, DateTime from, DateTime to, string interval, CancellationToken cancellationToken)
    {
        var range = new { from = LeadQueries.Timestamp(from), to = LeadQueries.Timestamp(to), interval };

        // Buckets in UTC; every bucket of the range is listed, empty ones included.
        var newLeads = await connection.QueryAsync<(DateTime Bucket, string Channel, long Count)>(new CommandDefinition(NewLeadsSql, range, cancellationToken: cancellationToken));
        var active = await connection.QueryAsync<(DateTime Bucket, string Channel, long Count)>(new CommandDefinition(ActiveLeadsSql, range, cancellationToken: cancellationToken));
        var activeTotals = (await connection.QueryAsync<(string Channel, long Count)>(new CommandDefinition(ActiveTotalsSql, range, cancellationToken: cancellationToken))).ToDictionary(r => r.Channel, r => r.Count);

        var newByBucket = newLeads.ToLookup(r => DateTime.SpecifyKind(r.Bucket, DateTimeKind.Utc));
        var activeByBucket = active.ToLookup(r => DateTime.SpecifyKind(r.Bucket, DateTimeKind.Utc));
        var buckets = new List<LeadBucket>();
        for (var start = Truncate(from, interval); start < to; start = interval == "week" ? start.AddDays(7) : start.AddDays(1))
        {
            buckets.Add(new LeadBucket(start,
                PerChannel(newByBucket[start].ToDictionary(r => r.Channel, r => r.Count)),
                PerChannel(activeByBucket[start].ToDictionary(r => r.Channel, r => r.Count))));
        }

        var newTotals = PerChannel(Channels.All.ToDictionary(c => c, c => buckets.Sum(b => b.NewLeads[c])));
        return new LeadStats(from, to, interval, newTotals.Values.Sum(), newTotals, PerChannel(activeTotals), buckets);
    }

    private static IReadOnlyDictionary<string, long> PerChannel(IReadOnlyDictionary<string, long> counts) =>
        Channels.All.ToDictionary(c => c, c => counts.GetValueOrDefault(c));

    /// <summary>PostgreSQL's date_trunc: a day starts at 00:00 UTC, a week on Monday.</summary>
    private static DateTime Truncate(DateTime at, string interval)
    {
        var day = DateTime.SpecifyKind(at.Date, DateTimeKind.Utc);
        return interval == "week" ? day.AddDays(-(((int)day.DayOfWeek + 6) % 7)) : day;
    }
}

public sealed record JourneyPath(IReadOnlyList<string> Path, string Label, long Count);

public sealed record FirstLastPair(string First, string Last, long Count);

/// <summary>total: leads first seen in the range; paths: the most common journeys (channels in order of first use).</summary>
public sealed record JourneyStats(DateTime From, DateTime To, long Total, IReadOnlyList<JourneyPath> Paths, IReadOnlyList<FirstLastPair> FirstLast);

public sealed record LeadBucket(DateTime Start, IReadOnlyDictionary<string, long> NewLeads, IReadOnlyDictionary<string, long> ActiveLeads);

/// <summary>
/// new_leads: leads by first touchpoint whose first interaction is in the range; active_leads: distinct leads with a
/// message on each channel in the range (per bucket, and over the whole range).
/// </summary>
public sealed record LeadStats(
    DateTime From, DateTime To, string Interval, long Total,
    IReadOnlyDictionary<string, long> NewLeads, IReadOnlyDictionary<string, long> ActiveLeads, IReadOnlyList<LeadBucket> Buckets);
