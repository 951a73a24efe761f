using Dapper;
using Npgsql;

namespace Proxe.Database.Tests;

/// <summary>Rows written the way the workers write them, for tests that need a populated schema.</summary>
internal static class TestData
{
    public static async Task<Guid> LeadAsync(
        NpgsqlConnection db, string brand, string firstTouchpoint, string? phone = null, string? name = null,
        string? email = null, string? lastTouchpoint = null, DateTimeOffset? lastInteractionAt = null) =>
        await db.ExecuteScalarAsync<Guid>(
            """
            INSERT INTO all_leads (brand, customer_name, email, phone, customer_phone_normalized,
                                   first_touchpoint, last_touchpoint, last_interaction_at)
            VALUES (@brand, @name, @email, @phone, normalize_phone(@phone), @firstTouchpoint, @lastTouchpoint, @lastInteractionAt)
            RETURNING id
            """,
            new { brand, name, email, phone, firstTouchpoint, lastTouchpoint, lastInteractionAt });

    public static Task<Guid> WebSessionAsync(NpgsqlConnection db, Guid leadId, string brand, string externalSessionId,
        DateTimeOffset lastMessageAt, string? bookingStatus = null, int messageCount = 0) =>
        db.ExecuteScalarAsync<Guid>(
            """
            INSERT INTO web_sessions (lead_id, brand, external_session_id, website_url, booking_status, message_count, last_message_at)
            VALUES (@leadId, @brand, @externalSessionId, 'https://example.test', @bookingStatus, @messageCount, @lastMessageAt)
            RETURNING id
            """,
            new { leadId, brand, externalSessionId, bookingStatus, messageCount, lastMessageAt });

    public static Task<Guid> WhatsAppSessionAsync(NpgsqlConnection db, Guid leadId, string brand, string contactId,
        DateTimeOffset lastMessageAt, int messageCount = 0) =>
        db.ExecuteScalarAsync<Guid>(
            """
            INSERT INTO whatsapp_sessions (lead_id, brand, whatsapp_contact_id, customer_phone_normalized,
                                           conversation_status, message_count, last_message_at, last_message_from)
            VALUES (@leadId, @brand, @contactId, @contactId, 'open', @messageCount, @lastMessageAt, 'customer')
            RETURNING id
            """,
            new { leadId, brand, contactId, messageCount, lastMessageAt });

    public static Task<Guid> VoiceSessionAsync(NpgsqlConnection db, Guid leadId, string brand, string callSid) =>
        db.ExecuteScalarAsync<Guid>(
            """
            INSERT INTO voice_sessions (lead_id, brand, call_sid, call_status, call_direction, call_duration_seconds)
            VALUES (@leadId, @brand, @callSid, 'completed', 'inbound', 42)
            RETURNING id
            """,
            new { leadId, brand, callSid });

    public static Task<Guid> SocialSessionAsync(NpgsqlConnection db, Guid leadId, string brand, string platformUserId) =>
        db.ExecuteScalarAsync<Guid>(
            """
            INSERT INTO social_sessions (lead_id, brand, platform, platform_user_id, platform_username, engagement_type, engagement_count)
            VALUES (@leadId, @brand, 'instagram', @platformUserId, 'someone', 'dm', 1)
            RETURNING id
            """,
            new { leadId, brand, platformUserId });

    public static Task MessageAsync(NpgsqlConnection db, Guid leadId, string brand, string channel, string content,
        DateTimeOffset occurredAt, string sender = "customer") =>
        db.ExecuteAsync(
            """
            INSERT INTO messages (lead_id, brand, channel, sender, content, external_id, occurred_at, created_at)
            VALUES (@leadId, @brand, @channel, @sender, @content, gen_random_uuid()::text, @occurredAt, @occurredAt)
            """,
            new { leadId, brand, channel, sender, content, occurredAt });

    public static Task IdentityAsync(NpgsqlConnection db, Guid leadId, string brand, string kind, string value) =>
        db.ExecuteAsync(
            "INSERT INTO lead_identities (brand, kind, value, lead_id) VALUES (@brand, @kind, @value, @leadId)",
            new { brand, kind, value, leadId });

    public static Task JourneyAsync(NpgsqlConnection db, Guid leadId, string brand) =>
        db.ExecuteAsync(
            "INSERT INTO lead_journeys (correlation_id, brand, current_state, channels) VALUES (@leadId, @brand, 'Active', '{web}')",
            new { leadId, brand });

    public static DateTimeOffset At(int day, int hour = 10) => new(2025, 1, day, hour, 0, 0, TimeSpan.Zero);
}
