using Microsoft.EntityFrameworkCore;
using Proxe.Testing;

namespace Proxe.Database.Tests;

/// <summary>
/// The dashboard stats' rollups (migration 006): lead_stats and activity_stats plus what is pending always equal a
/// recount of all_leads / messages, before and after proxe_compact_stats().
/// </summary>
public sealed class StatsRollupTests : IAsyncLifetime
{
    private readonly PostgresDatabaseFixture _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_growing_journey_moves_the_lead_to_its_new_key()
    {
        await using var db = _database.CreateDbContext();
        var lead = await LeadAsync(db, "a", "web", "2025-01-01T10:00:00Z");

        await MessageAsync(db, lead, "a", "whatsapp", "2025-01-02T10:00:00Z");

        Assert.Equal(["a 2025-01-01 web>web web,whatsapp = 1"], await LeadKeysAsync(db));
        await CompactAsync(db);
        Assert.Equal(["a 2025-01-01 web>web web,whatsapp = 1"], await LeadKeysAsync(db));
        Assert.Empty(await db.LeadStatChanges.ToListAsync());
    }

    [Fact]
    public async Task A_late_earlier_interaction_moves_the_lead_to_its_first_day_and_touchpoint()
    {
        await using var db = _database.CreateDbContext();
        var lead = await LeadAsync(db, "a", "web", "2025-01-05T10:00:00Z");
        await CompactAsync(db);

        await db.Database.ExecuteSqlAsync($"""
            UPDATE all_leads SET first_touchpoint = 'voice', first_interaction_at = '2025-01-03T23:59:00Z' WHERE id = {lead}
            """);

        Assert.Equal(["a 2025-01-03 voice>web voice = 1"], await LeadKeysAsync(db));
        await CompactAsync(db);
        Assert.Equal(["a 2025-01-03 voice>web voice = 1"], await LeadKeysAsync(db));
    }

    [Fact]
    public async Task Rollups_equal_a_recount_before_and_after_compaction()
    {
        await using var db = _database.CreateDbContext();
        foreach (var brand in new[] { "a", "b" })
        {
            var john = await LeadAsync(db, brand, "web", "2025-01-01T23:30:00Z");
            var priya = await LeadAsync(db, brand, "whatsapp", "2025-01-02T00:30:00Z");
            await MessageAsync(db, john, brand, "web", "2025-01-01T23:30:00Z");
            await MessageAsync(db, john, brand, "web", "2025-01-02T09:00:00Z");
            await CompactAsync(db);
            await MessageAsync(db, john, brand, "web", "2024-12-31T12:00:00Z");  // late, before the compacted days
            await MessageAsync(db, john, brand, "whatsapp", "2025-01-06T09:00:00Z");
            await MessageAsync(db, priya, brand, "whatsapp", "2025-01-02T00:30:00Z");
            await MessageAsync(db, priya, brand, "whatsapp", "2025-01-02T01:30:00Z");
            await db.Database.ExecuteSqlAsync($"UPDATE all_leads SET last_touchpoint = 'whatsapp' WHERE id = {john}");
        }

        var leads = await RecountLeadKeysAsync(db);
        var activity = await RecountActivityAsync(db);
        Assert.Equal(leads, await LeadKeysAsync(db));
        Assert.Equal(activity, await ActivityKeysAsync(db));
        Assert.Contains("a web 2025-01-01 after 2024-12-31 = 1", activity);
        Assert.Contains("a whatsapp 2025-01-02 after - = 1", activity);  // two messages of Priya that day: one lead

        await CompactAsync(db);

        Assert.Equal(leads, await LeadKeysAsync(db));
        Assert.Equal(activity, await ActivityKeysAsync(db));
        Assert.Empty(await db.LeadStatChanges.ToListAsync());
        Assert.Empty(await db.LeadActivityPending.ToListAsync());
    }

    [Fact]
    public async Task Compaction_is_one_caller_at_a_time()
    {
        await using var db = _database.CreateDbContext();
        await using var other = _database.CreateDbContext();
        await LeadAsync(db, "a", "web", "2025-01-01T10:00:00Z");
        await using var transaction = await other.Database.BeginTransactionAsync();
        await other.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('proxe_compact_stats'))");

        Assert.Equal(0, await CompactAsync(db));
        await transaction.RollbackAsync();
        Assert.Equal(1, await CompactAsync(db));
    }

    private static async Task<Guid> LeadAsync(ProxeDbContext db, string brand, string channel, string firstAt) =>
        (await db.Database.SqlQuery<Guid>($"""
            INSERT INTO all_leads (brand, first_touchpoint, first_interaction_at)
            VALUES ({brand}, {channel}, {DateTime.Parse(firstAt).ToUniversalTime()}) RETURNING id AS "Value"
            """).ToListAsync()).Single();

    private static Task MessageAsync(ProxeDbContext db, Guid lead, string brand, string channel, string occurredAt) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO messages (lead_id, brand, channel, sender, content, external_id, occurred_at)
            VALUES ({lead}, {brand}, {channel}, 'customer', 'hello', gen_random_uuid()::text, {DateTime.Parse(occurredAt).ToUniversalTime()})
            """);

    private static async Task<long> CompactAsync(ProxeDbContext db) =>
        (await db.Database.SqlQuery<long>($"""SELECT proxe_compact_stats() AS "Value" """).ToListAsync()).Single();

    private const string LeadKey =
        "brand || ' ' || coalesce(day::text, '-') || ' ' || first_touchpoint || '>' || last_touchpoint || ' ' || array_to_string(journey, ',')";

    private static Task<List<string>> LeadKeysAsync(ProxeDbContext db) => db.Database.SqlQueryRaw<string>($"""
        SELECT {LeadKey} || ' = ' || sum(leads) AS "Value"
        FROM (SELECT * FROM lead_stats UNION ALL SELECT * FROM lead_stats_changes) s
        GROUP BY {LeadKey} HAVING sum(leads) <> 0 ORDER BY 1
        """).ToListAsync();

    private static Task<List<string>> RecountLeadKeysAsync(ProxeDbContext db) => db.Database.SqlQueryRaw<string>($"""
        SELECT {LeadKey} || ' = ' || count(*) AS "Value"
        FROM (SELECT brand, (first_interaction_at AT TIME ZONE 'UTC')::date AS day, first_touchpoint, last_touchpoint, journey FROM all_leads) l
        GROUP BY {LeadKey} ORDER BY 1
        """).ToListAsync();

    private static Task<List<string>> ActivityKeysAsync(ProxeDbContext db) => db.Database.SqlQuery<string>($"""
        SELECT brand || ' ' || channel || ' ' || start || ' after ' || coalesce(prev::text, '-') || ' = ' || sum(leads) AS "Value"
        FROM (SELECT brand, channel, start, prev, leads FROM activity_stats
              UNION ALL
              SELECT * FROM proxe_activity_stats_changes((SELECT jsonb_agg(p) FROM lead_activity_pending p))) s
        GROUP BY brand, channel, start, prev HAVING sum(leads) <> 0 ORDER BY 1
        """).ToListAsync();

    /// <summary>Each lead's active days per channel, with the day before on that channel.</summary>
    private static Task<List<string>> RecountActivityAsync(ProxeDbContext db) => db.Database.SqlQuery<string>($"""
        SELECT brand || ' ' || channel || ' ' || start || ' after ' || coalesce(prev::text, '-') || ' = ' || count(*) AS "Value"
        FROM (SELECT brand, channel, start, lag(start) OVER (PARTITION BY lead_id, channel ORDER BY start) AS prev
              FROM (SELECT DISTINCT brand, channel, lead_id, (occurred_at AT TIME ZONE 'UTC')::date AS start FROM messages) d) a
        GROUP BY brand, channel, start, prev ORDER BY 1
        """).ToListAsync();
}
