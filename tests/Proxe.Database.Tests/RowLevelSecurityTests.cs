using Microsoft.EntityFrameworkCore;
using Npgsql;
using Proxe.Testing;
using static Proxe.Database.Tests.TestData;

namespace Proxe.Database.Tests;

/// <summary>Brands 'a' and 'b', a row of each in every table; the reader sees only the brands of its request.</summary>
public class RowLevelSecurityTests(RowLevelSecurityTests.TwoBrands brands) : IClassFixture<RowLevelSecurityTests.TwoBrands>
{
    public static readonly TheoryData<string> Relations =
    [
        "all_leads", "lead_identities", "web_sessions", "whatsapp_sessions", "voice_sessions", "social_sessions",
        "messages", "lead_journeys", "lead_journey_interactions", "lead_channel_firsts", "unified_leads",
        "lead_stats", "lead_stats_changes", "lead_activity", "lead_activity_pending", "activity_stats",
    ];

    public sealed class TwoBrands : IAsyncLifetime
    {
        public PostgresDatabaseFixture Database { get; } = new();

        public async Task InitializeAsync()
        {
            await Database.InitializeAsync();
            await using var db = Database.CreateDbContext();
            foreach (var brand in new[] { "a", "b" })
            {
                var lead = await LeadAsync(db, brand, "web", phone: "91980000000" + (brand == "a" ? "1" : "2"));
                await IdentityAsync(db, lead, brand, "phone", "9198000000" + brand);
                await WebSessionAsync(db, lead, brand, "web-" + brand, At(1));
                await WhatsAppSessionAsync(db, lead, brand, "wa-" + brand, At(2));
                await VoiceSessionAsync(db, lead, brand, "CA-" + brand);
                await SocialSessionAsync(db, lead, brand, "ig-" + brand);
                await MessageAsync(db, lead, brand, "web", "hello from " + brand, At(1));
                await JourneyAsync(db, lead, brand);
                await db.Database.ExecuteSqlAsync(
                    $"INSERT INTO lead_journey_interactions (lead_id, interaction_id, brand) VALUES ({lead}, {Guid.NewGuid()}, {brand})");
                await db.Database.ExecuteSqlAsync(
                    $"INSERT INTO lead_channel_firsts (lead_id, channel, brand, first_at) VALUES ({lead}, 'voice', {brand}, now())");
            }

            // Rows in the stats rollups and, after them, in their change logs too.
            await db.Database.ExecuteSqlAsync($"SELECT proxe_compact_stats()");
            await db.Database.ExecuteSqlAsync($"UPDATE all_leads SET last_touchpoint = 'whatsapp'");
            foreach (var lead in await db.Leads.Select(l => new { l.Id, l.Brand }).ToListAsync())
                await MessageAsync(db, lead.Id, lead.Brand, "web", "again", At(5));
        }

        public Task DisposeAsync() => Database.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Relations))]
    public async Task A_reader_of_brand_a_sees_no_row_of_brand_b(string relation)
    {
        var seen = await ReadBrandsAsync("proxe_reader", "a", relation);

        Assert.Equal(["a"], seen);
    }

    [Theory]
    [MemberData(nameof(Relations))]
    public async Task A_reader_of_several_brands_sees_each_of_them(string relation)
    {
        var seen = await ReadBrandsAsync("proxe_reader", "a,b", relation);

        Assert.Equal(["a", "b"], seen);
    }

    [Theory]
    [MemberData(nameof(Relations))]
    public async Task A_reader_without_brands_sees_nothing(string relation)
    {
        var seen = await ReadBrandsAsync("proxe_reader", null, relation);

        Assert.Empty(seen);
    }

    [Theory]
    [MemberData(nameof(Relations))]
    public async Task The_ingest_role_sees_every_brand(string relation)
    {
        var seen = await ReadBrandsAsync("proxe_ingest", null, relation);

        Assert.Equal(["a", "b"], seen);
    }

    [Theory]
    [InlineData("INSERT INTO all_leads (brand, first_touchpoint) VALUES ('a', 'web')")]
    [InlineData("UPDATE all_leads SET customer_name = 'x'")]
    [InlineData("DELETE FROM web_sessions")]
    [InlineData("SELECT count(*) FROM schema_migrations")]
    public async Task The_reader_only_reads(string statement)
    {
        await using var db = brands.Database.CreateDbContext("proxe_reader");
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlAsync($"SET LOCAL proxe.brands = 'a'");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(statement));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task The_ingest_role_writes_leads_sessions_and_journeys_but_never_deletes()
    {
        await using var db = brands.Database.CreateDbContext("proxe_ingest");
        await using var transaction = await db.Database.BeginTransactionAsync();

        var lead = (await db.Database.SqlQuery<Guid>(
            $"""INSERT INTO all_leads (brand, first_touchpoint) VALUES ('c', 'social') RETURNING id AS "Value" """).ToListAsync()).Single();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO lead_journeys (correlation_id, brand, current_state) VALUES ({lead}, 'c', 'Active')");
        var updated = await db.Database.ExecuteSqlAsync(
            $"UPDATE lead_journeys SET version = version + 1 WHERE correlation_id = {lead} AND version = 1");
        Assert.Equal(1, updated);

        var delete = await Assert.ThrowsAsync<PostgresException>(
            () => db.Database.ExecuteSqlAsync($"DELETE FROM all_leads WHERE id = {lead}"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, delete.SqlState);
    }

    [Theory]
    [InlineData("""{"brands": ["a", "b"]}""", new[] { "a", "b" })]
    [InlineData("""{"app_metadata": {"brands": ["a"]}}""", new[] { "a" })]
    [InlineData("""{"brands": "a, b"}""", new[] { "a", "b" })]
    [InlineData("""{"user_metadata": {"brands": ["a"]}}""", new string[0])]
    [InlineData("", new string[0])]
    public async Task Supabase_users_get_their_brands_from_the_jwt(string claims, string[] expected)
    {
        await using var db = brands.Database.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlAsync($"SELECT set_config('request.jwt.claims', {claims}, true)");

        var result = (await db.Database.SqlQuery<string[]>($"""SELECT proxe_jwt_brands() AS "Value" """).ToListAsync()).Single();

        Assert.Equal(expected, result);
    }

    private async Task<List<string>> ReadBrandsAsync(string role, string? requestBrands, string relation)
    {
        await using var db = brands.Database.CreateDbContext(role);
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (requestBrands is not null)
        {
            // What the dashboard does per request.
            await db.Database.ExecuteSqlAsync($"SELECT set_config('proxe.brands', {requestBrands}, true)");
        }

        return await BrandsOf(db, relation).Distinct().OrderBy(b => b).ToListAsync();
    }

    /// <summary>The brand column of each relation, through the DbContext's mapping of it.</summary>
    private static IQueryable<string> BrandsOf(ProxeDbContext db, string relation) => relation switch
    {
        "all_leads" => db.Leads.Select(r => r.Brand),
        "lead_identities" => db.LeadIdentities.Select(r => r.Brand),
        "web_sessions" => db.WebSessions.Select(r => r.Brand),
        "whatsapp_sessions" => db.WhatsappSessions.Select(r => r.Brand),
        "voice_sessions" => db.VoiceSessions.Select(r => r.Brand),
        "social_sessions" => db.SocialSessions.Select(r => r.Brand),
        "messages" => db.Messages.Select(r => r.Brand),
        "lead_journeys" => db.LeadJourneys.Select(r => r.Brand),
        "lead_journey_interactions" => db.LeadJourneyInteractions.Select(r => r.Brand),
        "lead_channel_firsts" => db.LeadChannelFirsts.Select(r => r.Brand),
        "unified_leads" => db.UnifiedLeads.Select(r => r.Brand),
        "lead_stats" => db.LeadStats.Select(r => r.Brand),
        "lead_stats_changes" => db.LeadStatChanges.Select(r => r.Brand),
        "lead_activity" => db.LeadActivity.Select(r => r.Brand),
        "lead_activity_pending" => db.LeadActivityPending.Select(r => r.Brand),
        "activity_stats" => db.ActivityStats.Select(r => r.Brand),
        _ => throw new ArgumentOutOfRangeException(nameof(relation), relation, null),
    };
}
