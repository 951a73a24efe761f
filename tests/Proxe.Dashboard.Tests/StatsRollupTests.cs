using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Proxe.Dashboard.Tests;

/// <summary>
/// /api/stats/leads and /journeys read rollups for whole days and raw rows for partial ones: for any from / to they
/// answer as a count over all_leads / messages would, before and after the deltas are compacted. Its own database:
/// the seed plus leads active on several days of one channel.
/// </summary>
public sealed class StatsRollupTests(DashboardApp app) : IClassFixture<DashboardApp>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await using var db = app.Database.CreateDbContext();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO messages (lead_id, brand, channel, sender, content, external_id, occurred_at) VALUES
              ({SeedData.John}, 'acme', 'web', 'customer', 'again', 'rollup-1', '2025-01-02T09:00:00Z'),
              ({SeedData.John}, 'acme', 'web', 'customer', 'again', 'rollup-2', '2025-01-03T23:00:00Z'),
              ({SeedData.John}, 'acme', 'web', 'customer', 'again', 'rollup-3', '2025-01-08T10:00:00Z'),
              ({SeedData.Priya}, 'acme', 'whatsapp', 'customer', 'again', 'rollup-4', '2025-01-04T00:30:00Z')
            ON CONFLICT DO NOTHING
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static readonly TheoryData<string, string, string> Ranges = new()
    {
        { "2025-01-01T09:00:00Z", "2025-01-05T08:00:00Z", "day" },
        { "2025-01-01T10:00:30Z", "2025-01-04T12:00:00Z", "day" },
        { "2025-01-01T09:00:00Z", "2025-01-09T09:30:00Z", "week" },
        { "2025-01-02T00:00:00Z", "2025-01-05T00:00:00Z", "week" },
        { "2025-01-01T08:00:00Z", "2025-01-01T10:00:01Z", "day" },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task Partial_edge_days_are_exact_before_and_after_compaction(string from, string to, string interval)
    {
        var expected = await RecountAsync(from, to, interval);

        Assert.Equal(expected, await StatsAsync(from, to, interval));
        await using (var db = app.Database.CreateDbContext())
            await db.Database.ExecuteSqlAsync($"SELECT proxe_compact_stats()");
        Assert.Equal(expected, await StatsAsync(from, to, interval));
    }

    private async Task<List<string>> StatsAsync(string from, string to, string interval)
    {
        var client = app.Client(DashboardApp.AcmeKey);
        var range = $"from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}";
        var leads = await client.GetJsonAsync($"/api/stats/leads?{range}&interval={interval}");
        var journeys = await client.GetJsonAsync($"/api/stats/journeys?{range}");

        var lines = new List<string> { $"journeys {journeys.GetProperty("total").GetInt64()}" };
        lines.AddRange(NonZero("new", leads.GetProperty("new_leads")));
        lines.AddRange(NonZero("active", leads.GetProperty("active_leads")));
        foreach (var bucket in leads.GetProperty("buckets").EnumerateArray())
        {
            var start = bucket.GetProperty("start").GetDateTime().ToUniversalTime().ToString("yyyy-MM-dd");
            lines.AddRange(NonZero($"{start} new", bucket.GetProperty("new_leads")));
            lines.AddRange(NonZero($"{start} active", bucket.GetProperty("active_leads")));
        }
        return [.. lines.Order(StringComparer.Ordinal)];

        static IEnumerable<string> NonZero(string prefix, JsonElement perChannel) =>
            perChannel.EnumerateObject().Where(c => c.Value.GetInt64() > 0).Select(c => $"{prefix} {c.Name} {c.Value.GetInt64()}");
    }

    /// <summary>The same figures counted from all_leads and messages of brand acme.</summary>
    private async Task<List<string>> RecountAsync(string from, string to, string interval)
    {
        var (start, end) = (DateTime.Parse(from).ToUniversalTime(), DateTime.Parse(to).ToUniversalTime());
        await using var db = app.Database.CreateDbContext();
        var lines = await db.Database.SqlQuery<string>($"""
            WITH leads AS (SELECT first_touchpoint, to_char(date_trunc({interval}, first_interaction_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS bucket
                           FROM all_leads WHERE brand = 'acme' AND first_interaction_at >= {start} AND first_interaction_at < {end}),
                 active AS (SELECT channel, lead_id, to_char(date_trunc({interval}, occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS bucket
                            FROM messages WHERE brand = 'acme' AND occurred_at >= {start} AND occurred_at < {end})
            SELECT 'journeys ' || count(*) AS "Value" FROM leads
            UNION ALL SELECT 'new ' || first_touchpoint || ' ' || count(*) FROM leads GROUP BY first_touchpoint
            UNION ALL SELECT 'active ' || channel || ' ' || count(DISTINCT lead_id) FROM active GROUP BY channel
            UNION ALL SELECT bucket || ' new ' || first_touchpoint || ' ' || count(*) FROM leads GROUP BY bucket, first_touchpoint
            UNION ALL SELECT bucket || ' active ' || channel || ' ' || count(DISTINCT lead_id) FROM active GROUP BY bucket, channel
            """).ToListAsync();
        return [.. lines.Order(StringComparer.Ordinal)];
    }
}
