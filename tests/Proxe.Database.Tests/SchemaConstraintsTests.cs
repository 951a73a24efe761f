using Dapper;
using Npgsql;
using Proxe.Testing;
using static Proxe.Database.Tests.TestData;

namespace Proxe.Database.Tests;

public class SchemaConstraintsTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task One_lead_per_brand_and_normalized_phone()
    {
        await using var db = await database.DataSource.OpenConnectionAsync();
        await LeadAsync(db, "one-lead", "web", phone: "+91 98765-43210");

        var duplicate = await Assert.ThrowsAsync<PostgresException>(
            () => LeadAsync(db, "one-lead", "whatsapp", phone: "919876543210"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        Assert.Equal("all_leads_brand_phone_key", duplicate.ConstraintName);

        // Another brand may know the same person; leads without a phone never collide.
        await LeadAsync(db, "one-lead-other", "web", phone: "919876543210");
        await LeadAsync(db, "one-lead", "social");
        await LeadAsync(db, "one-lead", "social");
        Assert.Equal(3, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM all_leads WHERE brand = 'one-lead'"));
    }

    [Fact]
    public async Task The_insert_upsert_of_the_workers_resolves_to_the_existing_lead()
    {
        await using var db = await database.DataSource.OpenConnectionAsync();
        var first = await LeadAsync(db, "upsert", "web", phone: "919800000001");

        var resolved = await db.ExecuteScalarAsync<Guid>(
            """
            INSERT INTO all_leads (brand, customer_phone_normalized, first_touchpoint)
            VALUES ('upsert', '919800000001', 'whatsapp')
            ON CONFLICT (brand, customer_phone_normalized) WHERE customer_phone_normalized IS NOT NULL
            DO UPDATE SET updated_at = now()
            RETURNING id
            """);

        Assert.Equal(first, resolved);
        Assert.Equal("web", await db.ExecuteScalarAsync<string>("SELECT first_touchpoint FROM all_leads WHERE id = @first", new { first }));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("proxe_ingest")]
    public async Task First_touchpoint_never_changes_after_insert(string role)
    {
        var id = await WithConnection(database.ConnectionString, db => LeadAsync(db, "immutable", "voice", phone: $"91{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}"));

        await using var db = new NpgsqlConnection(role == "postgres" ? database.ConnectionString : database.ConnectionStringFor(role));
        await db.OpenAsync();
        var change = await Assert.ThrowsAsync<PostgresException>(
            () => db.ExecuteAsync("UPDATE all_leads SET first_touchpoint = 'web' WHERE id = @id", new { id }));
        Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, change.SqlState);
        Assert.Contains("first_touchpoint cannot change", change.MessageText);

        // Everything else moves on as the journey goes.
        await db.ExecuteAsync(
            "UPDATE all_leads SET first_touchpoint = 'voice', last_touchpoint = 'whatsapp', last_interaction_at = now() WHERE id = @id",
            new { id });
        var lead = await db.QuerySingleAsync<(string First, string Last)>(
            "SELECT first_touchpoint, last_touchpoint FROM all_leads WHERE id = @id", new { id });
        Assert.Equal(("voice", "whatsapp"), lead);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("proxe_ingest")]
    public async Task First_touchpoint_moves_only_to_an_earlier_interaction(string role)
    {
        var id = await WithConnection(database.ConnectionString, db => LeadAsync(db, "origin", "whatsapp", phone: $"91{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}"));
        await using var db = new NpgsqlConnection(role == "postgres" ? database.ConnectionString : database.ConnectionStringFor(role));
        await db.OpenAsync();
        var firstAt = await db.ExecuteScalarAsync<DateTime>("SELECT first_interaction_at FROM all_leads WHERE id = @id", new { id });

        var later = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(
            "UPDATE all_leads SET first_touchpoint = 'web', first_interaction_at = first_interaction_at + interval '1 second' WHERE id = @id", new { id }));
        Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, later.SqlState);
        var same = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(
            "UPDATE all_leads SET first_touchpoint = 'web' WHERE id = @id", new { id }));
        Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, same.SqlState);

        await db.ExecuteAsync(
            "UPDATE all_leads SET first_touchpoint = 'web', first_interaction_at = first_interaction_at - interval '1 minute' WHERE id = @id", new { id });

        var origin = await db.QuerySingleAsync<(string First, DateTime At)>(
            "SELECT first_touchpoint, first_interaction_at FROM all_leads WHERE id = @id", new { id });
        Assert.Equal(("web", firstAt.AddMinutes(-1)), origin);
    }

    [Fact]
    public async Task A_new_lead_starts_with_its_first_touchpoint_as_last_touchpoint()
    {
        await using var db = await database.DataSource.OpenConnectionAsync();
        var id = await LeadAsync(db, "touchpoints", "social");

        Assert.Equal("social", await db.ExecuteScalarAsync<string>("SELECT last_touchpoint FROM all_leads WHERE id = @id", new { id }));
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

        await using var db = new NpgsqlConnection(database.ConnectionStringFor(role));
        await db.OpenAsync();
        await db.ExecuteAsync("SET proxe.brands = 'append-only-proxe_ingest,append-only-proxe_reader'");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(statement));

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

        await using var db = await database.DataSource.OpenConnectionAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(statement));

        Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, refused.SqlState);
        Assert.Equal($"messages is append-only: {operation} is not allowed", refused.MessageText);
        await AssertMessageUnchangedAsync(leadId);
    }

    [Fact]
    public async Task The_ingest_role_inserts_messages_once_per_external_id()
    {
        var leadId = await WithConnection(database.ConnectionString, db => LeadAsync(db, "dedupe", "whatsapp"));
        await using var db = new NpgsqlConnection(database.ConnectionStringFor("proxe_ingest"));
        await db.OpenAsync();

        const string insert = """
            INSERT INTO messages (lead_id, brand, channel, sender, content, external_id, occurred_at)
            VALUES (@leadId, 'dedupe', 'whatsapp', 'customer', 'hi', 'wamid.1', now())
            ON CONFLICT (brand, channel, external_id) DO NOTHING
            """;
        var inserted = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            inserted.Add(await db.ExecuteAsync(insert, new { leadId }));
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
        await using var db = await database.DataSource.OpenConnectionAsync();
        var leadId = await LeadAsync(db, "checks-ok", channel);

        await MessageAsync(db, leadId, "checks-ok", channel, "hello", At(1), sender);

        Assert.Equal(1, await db.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM messages WHERE lead_id = @leadId AND channel = @channel AND sender = @sender",
            new { leadId, channel, sender }));
    }

    [Theory]
    [InlineData("email", "customer", "messages_channel_check")]
    [InlineData("WhatsApp", "customer", "messages_channel_check")]
    [InlineData("web", "bot", "messages_sender_check")]
    [InlineData("web", "Customer", "messages_sender_check")]
    public async Task Messages_refuse_other_channels_and_senders(string channel, string sender, string constraint)
    {
        await using var db = await database.DataSource.OpenConnectionAsync();
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
        await using var db = await database.DataSource.OpenConnectionAsync();

        Assert.Equal(expected, await db.ExecuteScalarAsync<string?>("SELECT normalize_phone(@phone)", new { phone }));
    }

    [Fact]
    public async Task No_row_can_point_at_another_brands_lead()
    {
        await using var db = await database.DataSource.OpenConnectionAsync();
        var leadOfA = await LeadAsync(db, "brand-a-fk", "web");

        var session = await Assert.ThrowsAsync<PostgresException>(() => WebSessionAsync(db, leadOfA, "brand-b-fk", "s-1", At(1)));
        var message = await Assert.ThrowsAsync<PostgresException>(() => MessageAsync(db, leadOfA, "brand-b-fk", "web", "x", At(1)));
        var identity = await Assert.ThrowsAsync<PostgresException>(() => IdentityAsync(db, leadOfA, "brand-b-fk", "email", "a@b.c"));

        Assert.All([session, message, identity], e => Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, e.SqlState));
    }

    [Fact]
    public async Task Identities_are_unique_per_brand_kind_and_value_and_of_known_kinds()
    {
        await using var db = await database.DataSource.OpenConnectionAsync();
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
    [InlineData("web_sessions", "INSERT INTO web_sessions (lead_id, brand, external_session_id) VALUES (@leadId, @brand, 'k')")]
    [InlineData("whatsapp_sessions", "INSERT INTO whatsapp_sessions (lead_id, brand, whatsapp_contact_id) VALUES (@leadId, @brand, 'k')")]
    [InlineData("voice_sessions", "INSERT INTO voice_sessions (lead_id, brand, call_sid) VALUES (@leadId, @brand, 'CA' || @brand)")]
    [InlineData("social_sessions", "INSERT INTO social_sessions (lead_id, brand, platform, platform_user_id) VALUES (@leadId, @brand, 'instagram', 'k')")]
    public async Task Each_session_has_a_natural_key_for_upserts(string table, string insert)
    {
        await using var db = await database.DataSource.OpenConnectionAsync();
        var brand = "natural-key-" + table;
        var leadId = await LeadAsync(db, brand, "web");

        await db.ExecuteAsync(insert, new { leadId, brand });
        var again = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(insert, new { leadId, brand }));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, again.SqlState);
        Assert.Equal(1, await db.ExecuteScalarAsync<int>($"SELECT count(*) FROM {table} WHERE brand = @brand", new { brand }));
    }

    private async Task<Guid> SeedMessageAsync(string brand)
    {
        await using var db = await database.DataSource.OpenConnectionAsync();
        var leadId = await LeadAsync(db, brand, "web");
        await MessageAsync(db, leadId, brand, "web", "original", At(1));
        return leadId;
    }

    private async Task AssertMessageUnchangedAsync(Guid leadId)
    {
        await using var db = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(["original"], await db.QueryAsync<string>("SELECT content FROM messages WHERE lead_id = @leadId", new { leadId }));
    }

    private static async Task<T> WithConnection<T>(string connectionString, Func<NpgsqlConnection, Task<T>> action)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        return await action(db);
    }
}
