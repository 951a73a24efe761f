using Microsoft.EntityFrameworkCore;

namespace Proxe.Database.Tests;

/// <summary>Rows written the way the workers write them, for tests that need a populated schema.</summary>
internal static class TestData
{
    public static Task<Guid> LeadAsync(
        ProxeDbContext db, string brand, string firstTouchpoint, string? phone = null, string? name = null,
        string? email = null, string? lastTouchpoint = null, DateTimeOffset? lastInteractionAt = null) =>
        InsertAsync(db, $"""
            INSERT INTO all_leads (brand, customer_name, email, phone, customer_phone_normalized,
                                   first_touchpoint, last_touchpoint, last_interaction_at)
            VALUES ({brand}, {name}, {email}, {phone}, normalize_phone({phone}), {firstTouchpoint}, {lastTouchpoint}, {lastInteractionAt})
            RETURNING id AS "Value"
            """);

    public static Task<Guid> WebSessionAsync(ProxeDbContext db, Guid leadId, string brand, string externalSessionId,
        DateTimeOffset lastMessageAt, string? bookingStatus = null, int messageCount = 0) =>
        InsertAsync(db, $"""
            INSERT INTO web_sessions (lead_id, brand, external_session_id, website_url, booking_status, message_count, last_message_at)
            VALUES ({leadId}, {brand}, {externalSessionId}, 'https://example.test', {bookingStatus}, {messageCount}, {lastMessageAt})
            RETURNING id AS "Value"
            """);

    public static Task<Guid> WhatsAppSessionAsync(ProxeDbContext db, Guid leadId, string brand, string contactId,
        DateTimeOffset lastMessageAt, int messageCount = 0) =>
        InsertAsync(db, $"""
            INSERT INTO whatsapp_sessions (lead_id, brand, whatsapp_contact_id, customer_phone_normalized,
                                           conversation_status, message_count, last_message_at, last_message_from)
            VALUES ({leadId}, {brand}, {contactId}, {contactId}, 'open', {messageCount}, {lastMessageAt}, 'customer')
            RETURNING id AS "Value"
            """);

    public static Task<Guid> VoiceSessionAsync(ProxeDbContext db, Guid leadId, string brand, string callSid) =>
        InsertAsync(db, $"""
            INSERT INTO voice_sessions (lead_id, brand, call_sid, call_status, call_direction, call_duration_seconds)
            VALUES ({leadId}, {brand}, {callSid}, 'completed', 'inbound', 42)
            RETURNING id AS "Value"
            """);

    public static Task<Guid> SocialSessionAsync(ProxeDbContext db, Guid leadId, string brand, string platformUserId) =>
        InsertAsync(db, $"""
            INSERT INTO social_sessions (lead_id, brand, platform, platform_user_id, platform_username, engagement_type, engagement_count)
            VALUES ({leadId}, {brand}, 'instagram', {platformUserId}, 'someone', 'dm', 1)
            RETURNING id AS "Value"
            """);

    public static Task MessageAsync(ProxeDbContext db, Guid leadId, string brand, string channel, string content,
        DateTimeOffset occurredAt, string sender = "customer") =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO messages (lead_id, brand, channel, sender, content, external_id, occurred_at, created_at)
            VALUES ({leadId}, {brand}, {channel}, {sender}, {content}, gen_random_uuid()::text, {occurredAt}, {occurredAt})
            """);

    public static Task IdentityAsync(ProxeDbContext db, Guid leadId, string brand, string kind, string value) =>
        db.Database.ExecuteSqlAsync(
            $"INSERT INTO lead_identities (brand, kind, value, lead_id) VALUES ({brand}, {kind}, {value}, {leadId})");

    public static Task JourneyAsync(ProxeDbContext db, Guid leadId, string brand) =>
        db.Database.ExecuteSqlAsync(
            $"INSERT INTO lead_journeys (correlation_id, brand, current_state, channels) VALUES ({leadId}, {brand}, 'Active', '{{web}}')");

    public static DateTimeOffset At(int day, int hour = 10) => new(2025, 1, day, hour, 0, 0, TimeSpan.Zero);

    /// <summary>The relation's name when it exists, else null.</summary>
    public static async Task<string?> RegclassAsync(ProxeDbContext db, string relation) =>
        (await db.Database.SqlQuery<string?>($"""SELECT to_regclass({relation})::text AS "Value" """).ToListAsync()).Single();

    // Run as written: an INSERT ... RETURNING cannot be composed into a larger query.
    private static async Task<Guid> InsertAsync(ProxeDbContext db, FormattableString insert) =>
        (await db.Database.SqlQuery<Guid>(insert).ToListAsync()).Single();
}
