using Dapper;
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
        "messages", "lead_journeys", "unified_leads",
    ];

    public sealed class TwoBrands : IAsyncLifetime
    {
        public PostgresDatabaseFixture Database { get; } = new();

        public async Task InitializeAsync()
        {
            await Database.InitializeAsync();
            await using var db = await Database.DataSource.OpenConnectionAsync();
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
            }
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
        await using var db = new NpgsqlConnection(brands.Database.ConnectionStringFor("proxe_reader"));
        await db.OpenAsync();
        await using var transaction = await db.BeginTransactionAsync();
        await db.ExecuteAsync("SET LOCAL proxe.brands = 'a'", transaction: transaction);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(statement, transaction: transaction));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task The_ingest_role_writes_leads_sessions_and_journeys_but_never_deletes()
    {
        await using var db = new NpgsqlConnection(brands.Database.ConnectionStringFor("proxe_ingest"));
        await db.OpenAsync();
        await using var transaction = await db.BeginTransactionAsync();

        var lead = await db.ExecuteScalarAsync<Guid>(
            "INSERT INTO all_leads (brand, first_touchpoint) VALUES ('c', 'social') RETURNING id", transaction: transaction);
        await db.ExecuteAsync(
            "INSERT INTO lead_journeys (correlation_id, brand, current_state) VALUES (@lead, 'c', 'Active')", new { lead }, transaction);
        var updated = await db.ExecuteAsync(
            "UPDATE lead_journeys SET version = version + 1 WHERE correlation_id = @lead AND version = 1", new { lead }, transaction);
        Assert.Equal(1, updated);

        var delete = await Assert.ThrowsAsync<PostgresException>(
            () => db.ExecuteAsync("DELETE FROM all_leads WHERE id = @lead", new { lead }, transaction));
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
        await using var db = await brands.Database.DataSource.OpenConnectionAsync();
        await using var transaction = await db.BeginTransactionAsync();
        await db.ExecuteAsync("SELECT set_config('request.jwt.claims', @claims, true)", new { claims }, transaction);

        var result = await db.ExecuteScalarAsync<string[]>("SELECT proxe_jwt_brands()", transaction: transaction);

        Assert.Equal(expected, result);
    }

    private async Task<List<string>> ReadBrandsAsync(string role, string? requestBrands, string relation)
    {
        await using var db = new NpgsqlConnection(brands.Database.ConnectionStringFor(role));
        await db.OpenAsync();
        await using var transaction = await db.BeginTransactionAsync();
        if (requestBrands is not null)
        {
            // What the dashboard does per request.
            await db.ExecuteAsync($"SET LOCAL proxe.brands = '{requestBrands}'", transaction: transaction);
        }

        return (await db.QueryAsync<string>($"SELECT DISTINCT brand FROM {relation} ORDER BY brand", transaction: transaction)).ToList();
    }
}
