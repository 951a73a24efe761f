using Microsoft.EntityFrameworkCore;
using Npgsql;
using Proxe.Contracts;
using Proxe.Database;
using Proxe.Dashboard.Data;
using Proxe.Dashboard.Leads;

namespace Proxe.Dashboard.Stats;

/// <summary>
/// The stats, brand-scoped by RLS, read from the rollups of migration 006 plus what is pending (exact before
/// proxe_compact_stats() runs). A range [from, to) takes its whole UTC days (or buckets) from the rollups and its
/// partial edges from all_leads / messages, small index ranges, so any from / to answers as the raw rows would.
/// </summary>
public static class StatsQueries
{
    // Each lead first seen in the split range once (rows carry a count): rollup and deltas for the whole days, raw edges.
    private const string LeadsFirstSeen = """
        (SELECT first_touchpoint, last_touchpoint, journey, day::timestamp AS first_at, leads
         FROM lead_stats WHERE day >= @first_day AND day < @end_day
         UNION ALL
         SELECT first_touchpoint, last_touchpoint, journey, day::timestamp, leads
         FROM lead_stats_changes WHERE day >= @first_day AND day < @end_day
         UNION ALL
         SELECT first_touchpoint, last_touchpoint, journey, first_interaction_at AT TIME ZONE 'UTC', 1
         FROM all_leads WHERE first_interaction_at >= @from AND first_interaction_at < @whole_from
         UNION ALL
         SELECT first_touchpoint, last_touchpoint, journey, first_interaction_at AT TIME ZONE 'UTC', 1
         FROM all_leads WHERE first_interaction_at >= @whole_to AND first_interaction_at < @to) s
        """;

    // Every lead ever (all time): rollup and deltas.
    private const string AllLeads = """
        (SELECT first_touchpoint, last_touchpoint, leads FROM lead_stats
         UNION ALL
         SELECT first_touchpoint, last_touchpoint, leads FROM lead_stats_changes) s
        """;

    public static IQueryable<ChannelTotal> FirstTouchpoints(ProxeDbContext db) => db.Database.SqlQueryRaw<ChannelTotal>($"""
        SELECT first_touchpoint AS channel, sum(leads)::bigint AS count FROM {AllLeads} GROUP BY first_touchpoint
        """);

    public static IQueryable<long> Conversions(ProxeDbContext db, string from, string to) => db.Database.SqlQueryRaw<long>($"""
        SELECT coalesce(sum(leads), 0)::bigint AS "Value" FROM {AllLeads} WHERE first_touchpoint = @first AND last_touchpoint = @last
        """, new NpgsqlParameter("first", from), new NpgsqlParameter("last", to));

    public static IQueryable<JourneyCount> JourneyPaths(ProxeDbContext db, DateTime from, DateTime to, int limit) =>
        db.Database.SqlQueryRaw<JourneyCount>($"""
            SELECT journey, sum(leads)::bigint AS count FROM {LeadsFirstSeen}
            GROUP BY journey HAVING sum(leads) > 0 ORDER BY count DESC, journey LIMIT @limit
            """, [.. Split.Of(from, to, "day").Parameters(""), new NpgsqlParameter("limit", limit)]);

    public static IQueryable<FirstLastPair> FirstLast(ProxeDbContext db, DateTime from, DateTime to) =>
        db.Database.SqlQueryRaw<FirstLastPair>($"""
            SELECT first_touchpoint AS "first", last_touchpoint AS "last", sum(leads)::bigint AS count FROM {LeadsFirstSeen}
            GROUP BY first_touchpoint, last_touchpoint HAVING sum(leads) > 0 ORDER BY count DESC, "first", "last"
            """, [.. Split.Of(from, to, "day").Parameters("")]);

    public static IQueryable<BucketCount> NewLeads(ProxeDbContext db, DateTime from, DateTime to, string interval) =>
        db.Database.SqlQueryRaw<BucketCount>($"""
            SELECT date_trunc(@interval, first_at) AS bucket, first_touchpoint AS channel, sum(leads)::bigint AS count
            FROM {LeadsFirstSeen} GROUP BY 1, 2
            """, [.. Split.Of(from, to, "day").Parameters(""), new NpgsqlParameter("interval", interval)]);

    // activity_stats rows, and what the pending days add to them, of the days [@{prefix}first_day, @{prefix}end_day).
    private static string ActivityDays(string prefix) => $"""
        (SELECT channel, start, prev, leads FROM activity_stats WHERE start >= @{prefix}first_day AND start < @{prefix}end_day
         UNION ALL
         SELECT channel, start, prev, leads FROM proxe_activity_stats_changes((SELECT jsonb_agg(p) FROM lead_activity_pending p))
         WHERE start >= @{prefix}first_day AND start < @{prefix}end_day) s
        """;

    // Distinct leads per channel active in the split range: each lead on its first day in the whole days (prev before
    // them), plus the leads of the partial edge days that have no active day in between.
    private static string DistinctActive(string prefix) => $"""
        SELECT channel, sum(count)::bigint AS count
        FROM (SELECT channel, leads AS count FROM {ActivityDays(prefix)} WHERE prev IS NULL OR prev < @{prefix}first_day
              UNION ALL
              SELECT m.channel, count(DISTINCT m.lead_id) FROM messages m
              WHERE (m.occurred_at >= @{prefix}from AND m.occurred_at < @{prefix}whole_from
                     OR m.occurred_at >= @{prefix}whole_to AND m.occurred_at < @{prefix}to)
                AND NOT EXISTS (SELECT FROM lead_activity a WHERE a.lead_id = m.lead_id AND a.channel = m.channel
                                AND a.start >= @{prefix}first_day AND a.start < @{prefix}end_day)
              GROUP BY m.channel) c
        GROUP BY channel
        """;

    /// <summary>
    /// Buckets wholly inside the range: their leads counted on their first day in the bucket. The partial buckets at
    /// the edges (at most two, none for whole-day / whole-week ranges) as any range.
    /// </summary>
    public static IQueryable<BucketCount> ActiveLeads(ProxeDbContext db, DateTime from, DateTime to, string interval)
    {
        var buckets = Split.Of(from, to, interval);
        var head = Split.Of(buckets.From, buckets.WholeFrom, "day");
        var tail = Split.Of(buckets.WholeTo, buckets.To, "day");
        // Only our own fragments are spliced in; every value is a parameter.
        var sql = $"""
            SELECT date_trunc(@interval, start::timestamp) AS bucket, channel, sum(leads)::bigint AS count
            FROM {ActivityDays("buckets_")}
            WHERE prev IS NULL OR prev < date_trunc(@interval, start::timestamp)::date
            GROUP BY 1, 2
            UNION ALL
            SELECT @head_bucket, channel, count FROM ({DistinctActive("head_")}) h
            UNION ALL
            SELECT @tail_bucket, channel, count FROM ({DistinctActive("tail_")}) t
            """;
        return db.Database.SqlQueryRaw<BucketCount>(sql,
            [
                .. head.Parameters("head_"), .. tail.Parameters("tail_"),
                new NpgsqlParameter("interval", interval),
                new NpgsqlParameter("buckets_first_day", DateOnly.FromDateTime(buckets.WholeFrom)),
                new NpgsqlParameter("buckets_end_day", DateOnly.FromDateTime(buckets.WholeTo)),
                new NpgsqlParameter("head_bucket", NpgsqlTypes.NpgsqlDbType.Timestamp) { Value = Unspecified(Truncate(from, interval)) },
                new NpgsqlParameter("tail_bucket", NpgsqlTypes.NpgsqlDbType.Timestamp) { Value = Unspecified(Truncate(buckets.WholeTo, interval)) },
            ]);
    }

    /// <summary>Distinct leads per channel over the whole range: cannot be summed from buckets.</summary>
    public static IQueryable<ChannelTotal> ActiveTotals(ProxeDbContext db, DateTime from, DateTime to) =>
        db.Database.SqlQueryRaw<ChannelTotal>(DistinctActive(""), [.. Split.Of(from, to, "day").Parameters("")]);

    public static async Task<JourneyStats> JourneysAsync(ProxeDbContext db, DateTime from, DateTime to, int limit, CancellationToken cancellationToken)
    {
        var paths = (await JourneyPaths(db, from, to, limit).ToListAsync(cancellationToken))
            .Select(p => new JourneyPath(p.Journey, string.Join(" → ", p.Journey.Select(ChannelLabels.Name)), p.Count)).ToList();
        var pairs = await FirstLast(db, from, to).ToListAsync(cancellationToken);
        return new JourneyStats(from, to, pairs.Sum(p => p.Count), paths, pairs);
    }

    public static async Task<LeadStats> LeadsAsync(ProxeDbContext db, DateTime from, DateTime to, string interval, CancellationToken cancellationToken)
    {
        // Buckets in UTC; every bucket of the range is listed, empty ones included.
        var newLeads = await NewLeads(db, from, to, interval).ToListAsync(cancellationToken);
        var active = await ActiveLeads(db, from, to, interval).ToListAsync(cancellationToken);
        var activeTotals = await ActiveTotals(db, from, to).ToDictionaryAsync(r => r.Channel, r => r.Count, cancellationToken);

        var newByBucket = newLeads.ToLookup(r => DateTime.SpecifyKind(r.Bucket, DateTimeKind.Utc));
        var activeByBucket = active.ToLookup(r => DateTime.SpecifyKind(r.Bucket, DateTimeKind.Utc));
        var buckets = new List<LeadBucket>();
        for (var start = Truncate(from, interval); start < to; start = Next(start, interval))
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

    private static DateTime Next(DateTime bucket, string interval) => bucket.AddDays(interval == "week" ? 7 : 1);

    // date_trunc buckets are timestamps without time zone.
    private static DateTime Unspecified(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Unspecified);

    /// <summary>
    /// [From, To) as [From, WholeFrom) ∪ [WholeFrom, WholeTo) ∪ [WholeTo, To): the middle is whole buckets (empty when the
    /// range holds none, then WholeFrom = WholeTo and the edges cover it all).
    /// </summary>
    private readonly record struct Split(DateTime From, DateTime WholeFrom, DateTime WholeTo, DateTime To)
    {
        public static Split Of(DateTime from, DateTime to, string interval)
        {
            var ceiling = Truncate(from, interval) == from ? from : Next(Truncate(from, interval), interval);
            var wholeFrom = ceiling < to ? ceiling : to;
            var floor = Truncate(to, interval);
            return new Split(from, wholeFrom, floor > wholeFrom ? floor : wholeFrom, to);
        }

        /// <summary>@{prefix}from, whole_from, whole_to, to (timestamptz) and first_day, end_day (the whole days as dates).</summary>
        public NpgsqlParameter[] Parameters(string prefix) =>
        [
            new(prefix + "from", From), new(prefix + "whole_from", WholeFrom), new(prefix + "whole_to", WholeTo), new(prefix + "to", To),
            new(prefix + "first_day", DateOnly.FromDateTime(WholeFrom)), new(prefix + "end_day", DateOnly.FromDateTime(WholeTo)),
        ];
    }
}

public sealed record JourneyCount(string[] Journey, long Count);

/// <summary>A date_trunc bucket: timestamp without time zone, in UTC.</summary>
public sealed record BucketCount(DateTime Bucket, string Channel, long Count);

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
