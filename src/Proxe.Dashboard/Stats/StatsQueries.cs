using Microsoft.EntityFrameworkCore;
using Proxe.Contracts;
using Proxe.Database;
using Proxe.Dashboard.Data;
using Proxe.Dashboard.Leads;

namespace Proxe.Dashboard.Stats;

/// <summary>Aggregates over leads whose first interaction (provider time) falls in [from, to), brand-scoped by RLS.</summary>
public static class StatsQueries
{
    private static IQueryable<Database.Entities.Lead> LeadsFirstSeen(ProxeDbContext db, DateTime from, DateTime to) =>
        db.Leads.Where(l => l.FirstInteractionAt >= from && l.FirstInteractionAt < to);

    private static IQueryable<Database.Entities.Message> MessagesIn(ProxeDbContext db, DateTime from, DateTime to) =>
        db.Messages.Where(m => m.OccurredAt >= from && m.OccurredAt < to);

    public static IQueryable<JourneyCount> JourneyPaths(ProxeDbContext db, DateTime from, DateTime to, int limit) =>
        LeadsFirstSeen(db, from, to).GroupBy(l => l.Journey)
            .OrderByDescending(g => g.LongCount()).ThenBy(g => g.Key)
            .Take(limit)
            .Select(g => new JourneyCount(g.Key, g.LongCount()));

    public static IQueryable<FirstLastPair> FirstLast(ProxeDbContext db, DateTime from, DateTime to) =>
        LeadsFirstSeen(db, from, to).GroupBy(l => new { l.FirstTouchpoint, l.LastTouchpoint })
            .OrderByDescending(g => g.LongCount()).ThenBy(g => g.Key.FirstTouchpoint).ThenBy(g => g.Key.LastTouchpoint)
            .Select(g => new FirstLastPair(g.Key.FirstTouchpoint, g.Key.LastTouchpoint, g.LongCount()));

    // Buckets of date_trunc in UTC: SQL, since LINQ has no week truncation.
    public static IQueryable<BucketCount> NewLeads(ProxeDbContext db, DateTime from, DateTime to, string interval) =>
        db.Database.SqlQuery<BucketCount>($"""
            SELECT date_trunc({interval}, l.first_interaction_at AT TIME ZONE 'UTC') AS bucket, l.first_touchpoint AS channel, count(*) AS count
            FROM all_leads l WHERE l.first_interaction_at >= {from} AND l.first_interaction_at < {to}
            GROUP BY 1, 2
            """);

    public static IQueryable<BucketCount> ActiveLeads(ProxeDbContext db, DateTime from, DateTime to, string interval) =>
        db.Database.SqlQuery<BucketCount>($"""
            SELECT date_trunc({interval}, m.occurred_at AT TIME ZONE 'UTC') AS bucket, m.channel, count(DISTINCT m.lead_id) AS count
            FROM messages m WHERE m.occurred_at >= {from} AND m.occurred_at < {to}
            GROUP BY 1, 2
            """);

    public static IQueryable<ChannelTotal> ActiveTotals(ProxeDbContext db, DateTime from, DateTime to) =>
        MessagesIn(db, from, to).GroupBy(m => m.Channel)
            .Select(g => new ChannelTotal(g.Key, g.Select(m => m.LeadId).Distinct().LongCount()));

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
