using Microsoft.EntityFrameworkCore;
using Npgsql;
using Proxe.Testing;
using static Proxe.Database.Tests.TestData;

namespace Proxe.Database.Tests;

public class SchemaConstraintsTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task One_lead_per_brand_and_normalized_phone()
    {
        await using var db = database.CreateDbContext();
        await LeadAsync(db, "one-lead", "web", phone: "+91 98765-43210");

        var duplicate = await Assert.ThrowsAsync<PostgresException>(
            () => LeadAsync(db, "one-lead", "whatsapp", phone: "919876543210"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        Assert.Equal("all_leads_brand_phone_key", duplicate.ConstraintName);

        // Another brand may know the same person; leads without a phone never collide.
        await LeadAsync(db, "one-lead-other", "web", phone: "919876543210");
        await LeadAsync(db, "one-lead", "social");
        await LeadAsync(db, "one-lead", "social");
        Assert.Equal(3, await db.Leads.CountAsync(l => l.Brand == "one-lead"));
    }

    [Fact]
    public async Task The_insert_upsert_of_the_workers_resolves_to_the_existing_lead()
    {
        await using var db = database.CreateDbContext();
        var first = await LeadAsync(db, "upsert", "web", phone: "919800000001");

        var resolved = (await db.Database.SqlQuery<Guid>(
            $"""
            INSERT INTO all_leads (brand, customer_phone_normalized, first_touchpoint)
            VALUES ('upsert', '919800000001', 'whatsapp')
            ON CONFLICT (brand, customer_phone_normalized) WHERE customer_phone_normalized IS NOT NULL
            DO UPDATE SET updated_at = now()
            RETURNING id AS "Value"
            """).ToListAsync()).Single();

        Assert.Equal(first, resolved);
        Assert.Equal("web", await db.Leads.Where(l => l.Id == first).Select(l => l.FirstTouchpoint).SingleAsync());
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("proxe_ingest")]
    public async Task First_touchpoint_never_changes_after_insert(string role)
    {
        var id = await WithContext(db => LeadAsync(db, "immutable", "voice", phone: $"91{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}"));

        await using var db = database.CreateDbContext(role == "postgres" ? null : role);
        var change = await Assert.ThrowsAsync<PostgresException>(
            () => db.Database.ExecuteSqlAsync($"UPDATE all_leads SET first_touchpoint = 'web' WHERE id = {id}"));
        Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, change.SqlState);
        Assert.Contains("first_touchpoint cannot change", change.MessageText);

        // Everything else moves on as the journey goes.
        await db.Database.ExecuteSqlAsync(
            $"UPDATE all_leads SET first_touchpoint = 'voice', last_touchpoint = 'whatsapp', last_interaction_at = now() WHERE id = {id}");
        var lead = await db.Leads.Where(l => l.Id == id).Select(l => new { l.FirstTouchpoint, l.LastTouchpoint }).SingleAsync();
        Assert.Equal(new { FirstTouchpoint = "voice", LastTouchpoint = "whatsapp" }, lead);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("proxe_ingest")]
    public async Task First_touchpoint_moves_only_to_an_earlier_interaction(string role)
    {
        var id = await WithContext(db => LeadAsync(db, "origin", "whatsapp", phone: $"91{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}"));
        await using var db = database.CreateDbContext(role == "postgres" ? null : role);
        var firstAt = await db.Leads.Where(l => l.Id == id).Select(l => l.FirstInteractionAt).SingleAsync();

        var later = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlAsync(
            $"UPDATE all_leads SET first_touchpoint = 'web', first_interaction_at = first_interaction_at + interval '1 second' WHERE id = {id}"));
        Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, later.SqlState);
        var same = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlAsync(
            $"UPDATE all_leads SET first_touchpoint = 'web' WHERE id = {id}"));
        Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, same.SqlState);

        await db.Database.ExecuteSqlAsync(
            $"UPDATE all_leads SET first_touchpoint = 'web', first_interaction_at = first_interaction_at - interval '1 minute' WHERE id = {id}");

        var origin = await db.Leads.Where(l => l.Id == id).Select(l => new { l.FirstTouchpoint, l.FirstInteractionAt }).SingleAsync();
        Assert.Equal(new { FirstTouchpoint = "web", FirstInteractionAt = firstAt.AddMinutes(-1) }, origin);
    }

    [Fact]
    public async Task A_new_lead_starts_with_its_first_touchpoint_as_last_touchpoint()
    {
        await using var db = database.CreateDbContext();
        var id = await LeadAsync(db, "touchpoints", "social");

        Assert.Equal("social", await db.Leads.Where(l => l.Id == id).Select(l => l.LastTouchpoint).SingleAsync());
        var invalid = await Assert.ThrowsAsync<PostgresException>(() => LeadAsync(db, "touchpoints", "email"));
        Assert.Equal(PostgresErrorCodes.CheckViolation, invalid.SqlState);
    }

    [Theory]
    [InlineData("proxe_ingest", "UPDATE messages SET content = 'rewritten'")]
    [InlineData("proxe_ingest", "DELETE FROM messages")]
    [InlineData("proxe_ingest", "TRUNCATE messages")]
    [InlineData("proxe_reader", "UPDATE messages SET content = 'rewritten'")]
    [InlineData("proxe_reader", "DELETE FROM messages")]
    public async Task Messages_cannot_be_changed_by_an_application_role(string role, string statement)
    {
        var leadId = await SeedMessageAsync("append-only-" + role);

        await using var db = database.CreateDbContext(role);
        await db.Database.OpenConnectionAsync(); // SET holds for the session: one connection throughout
        await db.Database.ExecuteSqlAsync($"SET proxe.brands = 'append-only-proxe_ingest,append-only-proxe_reader'");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(statement));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        await AssertMessageUnchangedAsync(leadId);
    }

    [Theory]
    [InlineData("UPDATE messages SET content = 'rewritten'", "UPDATE")]
    [InlineData("DELETE FROM messages", "DELETE")]
    [InlineData("TRUNCATE messages", "TRUNCATE")]
    public async Task Messages_are_append_only_even_for_the_owner(string statement, string operation)
    {
        var leadId = await SeedMessageAsync("append-only-owner");

        await using var db = database.CreateDbContext();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(statement));

        Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, refused.SqlState);
        Assert.Equal($"messages is append-only: {operation} is not allowed", refused.MessageText);
        await AssertMessageUnchangedAsync(leadId);
    }

    [Fact]
    public async Task The_ingest_role_inserts_messages_once_per_external_id()
    {
        var leadId = await WithContext(db => LeadAsync(db, "dedupe", "whatsapp"));
        await using var db = database.CreateDbContext("proxe_ingest");

        var inserted = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            inserted.Add(await db.Database.ExecuteSqlAsync($"""
                INSERT INTO messages (lead_id, brand, channel, sender, content, external_id, occurred_at)
                VALUES ({leadId}, 'dedupe', 'whatsapp', 'customer', 'hi', 'wamid.1', now())
                ON CONFLICT (brand, channel, external_id) DO NOTHING
                """));
        }

        Assert.Equal([1, 0, 0], inserted);
    }

    [Theory]
    [InlineData("web", "customer")]
    [InlineData("whatsapp", "agent")]
    [InlineData("voice", "system")]
    [InlineData("social", "customer")]
    public async Task Messages_accept_the_four_channels_and_three_senders(string channel, string sender)
    {
        await using var db = database.CreateDbContext();
        var leadId = await LeadAsync(db, "checks-ok", channel);

        await MessageAsync(db, leadId, "checks-ok", channel, "hello", At(1), sender);

        Assert.Equal(1, await db.Messages.CountAsync(m => m.LeadId == leadId && m.Channel == channel && m.Sender == sender));
    }

    [Theory]
    [InlineData("email", "customer", "messages_channel_check")]
    [InlineData("WhatsApp", "customer", "messages_channel_check")]
    [InlineData("web", "bot", "messages_sender_check")]
    [InlineData("web", "Customer", "messages_sender_check")]
    public async Task Messages_refuse_other_channels_and_senders(string channel, string sender, string constraint)
    {
        await using var db = database.CreateDbContext();
        var leadId = await LeadAsync(db, "checks-bad", "web");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => MessageAsync(db, leadId, "checks-bad", channel, "x", At(1), sender));

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
        Assert.Equal(constraint, refused.ConstraintName);
    }

    [Theory]
    [InlineData("+91 98765-43210", "919876543210")]
    [InlineData("919876543210", "919876543210")]
    [InlineData("(+1) 415.555.0100 ext 7", "141555501007")]
    [InlineData("whatsapp:+14155550100", "14155550100")]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("no digits", null)]
    [InlineData(null, null)]
    public async Task Normalize_phone_keeps_digits_only(string? phone, string? expected)
    {
        await using var db = database.CreateDbContext();

        Assert.Equal(expected, (await db.Database.SqlQuery<string?>($"SELECT normalize_phone({phone}::text) AS \"Value\"").ToListAsync()).Single());
    }

    [Fact]
    public async Task No_row_can_point_at_another_brands_lead()
    {
        await using var db = database.CreateDbContext();
        var leadOfA = await LeadAsync(db, "brand-a-fk", "web");

        var session = await Assert.ThrowsAsync<PostgresException>(() => WebSessionAsync(db, leadOfA, "brand-b-fk", "s-1", At(1)));
        var message = await Assert.ThrowsAsync<PostgresException>(() => MessageAsync(db, leadOfA, "brand-b-fk", "web", "x", At(1)));
        var identity = await Assert.ThrowsAsync<PostgresException>(() => IdentityAsync(db, leadOfA, "brand-b-fk", "email", "a@b.c"));

        Assert.All([session, message, identity], e => Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, e.SqlState));
    }

    [Fact]
    public async Task Identities_are_unique_per_brand_kind_and_value_and_of_known_kinds()
    {
        await using var db = database.CreateDbContext();
        var first = await LeadAsync(db, "identities", "social");
        var second = await LeadAsync(db, "identities", "web");
        await IdentityAsync(db, first, "identities", "instagram", "1789");

        var taken = await Assert.ThrowsAsync<PostgresException>(() => IdentityAsync(db, second, "identities", "instagram", "1789"));
        var unknownKind = await Assert.ThrowsAsync<PostgresException>(() => IdentityAsync(db, second, "identities", "fax", "1"));
        await IdentityAsync(db, second, "identities", "messenger", "1789");

        Assert.Equal(PostgresErrorCodes.UniqueViolation, taken.SqlState);
        Assert.Equal(PostgresErrorCodes.CheckViolation, unknownKind.SqlState);
    }

    [Theory]
    [InlineData("web_sessions", "INSERT INTO web_sessions (lead_id, brand, external_session_id) VALUES (@lead_id, @brand, 'k')")]
    [InlineData("whatsapp_sessions", "INSERT INTO whatsapp_sessions (lead_id, brand, whatsapp_contact_id) VALUES (@lead_id, @brand, 'k')")]
    [InlineData("voice_sessions", "INSERT INTO voice_sessions (lead_id, brand, call_sid) VALUES (@lead_id, @brand, 'CA' || @brand)")]
    [InlineData("social_sessions", "INSERT INTO social_sessions (lead_id, brand, platform, platform_user_id) VALUES (@lead_id, @brand, 'instagram', 'k')")]
    public async Task Each_session_has_a_natural_key_for_upserts(string table, string insert)
    {
        await using var db = database.CreateDbContext();
        var brand = "natural-key-" + table;
        var leadId = await LeadAsync(db, brand, "web");

        await db.Database.ExecuteSqlRawAsync(insert, Parameters(leadId, brand));
        var again = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(insert, Parameters(leadId, brand)));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, again.SqlState);
        Assert.Equal(1, await SessionsOf(db, table).CountAsync(b => b == brand));
    }

    private async Task<Guid> SeedMessageAsync(string brand)
    {
        await using var db = database.CreateDbContext();
        var leadId = await LeadAsync(db, brand, "web");
        await MessageAsync(db, leadId, brand, "web", "original", At(1));
        return leadId;
    }

    private async Task AssertMessageUnchangedAsync(Guid leadId)
    {
        await using var db = database.CreateDbContext();
        Assert.Equal(["original"], await db.Messages.Where(m => m.LeadId == leadId).Select(m => m.Content).ToListAsync());
    }

    private async Task<T> WithContext<T>(Func<ProxeDbContext, Task<T>> action)
    {
        await using var db = database.CreateDbContext();
        return await action(db);
    }

    private static NpgsqlParameter[] Parameters(Guid leadId, string brand) =>
        [new NpgsqlParameter<Guid>("lead_id", leadId), new NpgsqlParameter<string>("brand", brand)];

    /// <summary>The brand column of a session table.</summary>
    private static IQueryable<string> SessionsOf(ProxeDbContext db, string table) => table switch
    {
        "web_sessions" => db.WebSessions.Select(s => s.Brand),
        "whatsapp_sessions" => db.WhatsappSessions.Select(s => s.Brand),
        "voice_sessions" => db.VoiceSessions.Select(s => s.Brand),
        "social_sessions" => db.SocialSessions.Select(s => s.Brand),
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
    };
}
