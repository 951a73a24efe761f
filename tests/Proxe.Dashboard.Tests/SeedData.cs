using Npgsql;

namespace Proxe.Dashboard.Tests;

/// <summary>
/// Two brands written straight into the tables as the superuser, as the workers would have left them.
/// acme, newest activity first: Ravi (voice → web → whatsapp), John (web → whatsapp, the seed's scenario 2),
/// Priya (whatsapp only), Meera (instagram only, no phone).
/// globex: a John with the very same phone and email as acme's (web → whatsapp, the newest lead of all), and a caller.
/// </summary>
public static class SeedData
{
    public const string Acme = "acme";
    public const string Globex = "globex";
    public const string JohnPhone = "919876543210";

    public static readonly Guid John = Guid.Parse("a0000000-0000-0000-0000-000000000001");
    public static readonly Guid Priya = Guid.Parse("a0000000-0000-0000-0000-000000000002");
    public static readonly Guid Ravi = Guid.Parse("a0000000-0000-0000-0000-000000000003");
    public static readonly Guid Meera = Guid.Parse("a0000000-0000-0000-0000-000000000004");
    public static readonly Guid GlobexJohn = Guid.Parse("b0000000-0000-0000-0000-000000000001");
    public static readonly Guid GlobexCaller = Guid.Parse("b0000000-0000-0000-0000-000000000002");

    /// <summary>acme's leads as the list returns them: newest last_interaction_at first.</summary>
    public static readonly Guid[] AcmeByActivity = [Ravi, John, Priya, Meera];

    public const string GlobexSecret = "globex-only message text";

    public static async Task InsertAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($$"""
            INSERT INTO all_leads (id, brand, customer_name, email, phone, customer_phone_normalized, first_touchpoint, last_touchpoint,
                                   last_interaction_at, unified_context, created_at, first_interaction_at) VALUES
              ('{{John}}', 'acme', 'John Doe', 'john@example.com', '+91 98765 43210', '{{JohnPhone}}', 'web', 'whatsapp',
               '2025-01-03T09:00:00Z', '{"channels": ["web", "whatsapp"]}', '2025-01-01T10:00:05Z', '2025-01-01T10:00:00Z'),
              ('{{Priya}}', 'acme', 'Priya Sharma', 'Priya@Example.com', '+91 98111 11111', '919811111111', 'whatsapp', 'whatsapp',
               '2025-01-02T12:00:00Z', '{}', '2025-01-02T11:00:00Z', '2025-01-02T11:00:00Z'),
              ('{{Ravi}}', 'acme', 'Ravi Kumar', NULL, '+91 98222 22222', '919822222222', 'voice', 'whatsapp',
               '2025-01-05T09:00:00Z', '{}', '2025-01-04T10:00:00Z', '2025-01-04T10:00:00Z'),
              ('{{Meera}}', 'acme', 'Meera_Designs', 'meera@example.com', NULL, NULL, 'social', 'social',
               '2025-01-01T08:00:00Z', '{}', '2025-01-01T08:00:00Z', '2025-01-01T08:00:00Z'),
              ('{{GlobexJohn}}', 'globex', 'John Globex', 'john@example.com', '+91 98765 43210', '{{JohnPhone}}', 'web', 'whatsapp',
               '2025-01-06T09:00:00Z', '{}', '2025-01-06T08:00:00Z', '2025-01-06T08:00:00Z'),
              ('{{GlobexCaller}}', 'globex', 'Caller', NULL, '+1 415 555 0100', '14155550100', 'voice', 'voice',
               '2025-01-02T09:00:00Z', '{}', '2025-01-02T09:00:00Z', '2025-01-02T09:00:00Z');

            INSERT INTO lead_identities (brand, kind, value, lead_id) VALUES
              ('acme', 'phone', '{{JohnPhone}}', '{{John}}'), ('acme', 'email', 'john@example.com', '{{John}}'),
              ('acme', 'whatsapp', '{{JohnPhone}}', '{{John}}'), ('acme', 'web_visitor', 'web-john-1', '{{John}}'),
              ('acme', 'phone', '919811111111', '{{Priya}}'), ('acme', 'email', 'priya@example.com', '{{Priya}}'),
              ('acme', 'phone', '919822222222', '{{Ravi}}'),
              ('acme', 'email', 'meera@example.com', '{{Meera}}'), ('acme', 'instagram', 'ig-user-1', '{{Meera}}'),
              ('globex', 'phone', '{{JohnPhone}}', '{{GlobexJohn}}'), ('globex', 'email', 'john@example.com', '{{GlobexJohn}}'),
              ('globex', 'phone', '14155550100', '{{GlobexCaller}}');

            INSERT INTO web_sessions (lead_id, brand, customer_name, customer_email, customer_phone, external_session_id, website_url,
                                      booking_status, booking_date, booking_time, message_count, created_at) VALUES
              ('{{John}}', 'acme', 'John Doe', 'john@example.com', '+91 98765 43210', 'web-john-1', 'https://acme.example/book',
               'confirmed', '2025-01-10', '15:30', 2, '2025-01-01T10:00:00Z'),
              ('{{Ravi}}', 'acme', 'Ravi Kumar', NULL, '+91 98222 22222', 'web-ravi-1', 'https://acme.example/', NULL, NULL, NULL, 1,
               '2025-01-04T12:00:00Z'),
              ('{{GlobexJohn}}', 'globex', 'John Globex', 'john@example.com', '+91 98765 43210', 'web-globex-1', 'https://globex.example/',
               NULL, NULL, NULL, 1, '2025-01-06T08:00:00Z');

            INSERT INTO whatsapp_sessions (lead_id, brand, customer_name, customer_phone, customer_phone_normalized, whatsapp_contact_id,
                                           message_count, last_message_from, last_message_preview, conversation_status, created_at) VALUES
              ('{{John}}', 'acme', 'John Doe', '+91 98765 43210', '{{JohnPhone}}', '{{JohnPhone}}', 2, 'agent', 'Yes, see you on the 10th',
               'open', '2025-01-03T08:59:00Z'),
              ('{{Priya}}', 'acme', 'Priya Sharma', '+91 98111 11111', '919811111111', '919811111111', 1, 'customer', 'Price?', 'open',
               '2025-01-02T11:00:00Z'),
              ('{{Ravi}}', 'acme', 'Ravi Kumar', '+91 98222 22222', '919822222222', '919822222222', 1, 'customer', 'Thanks', 'open',
               '2025-01-05T09:00:00Z'),
              ('{{GlobexJohn}}', 'globex', 'John Globex', '+91 98765 43210', '{{JohnPhone}}', '{{JohnPhone}}', 1, 'customer', 'hello', 'open',
               '2025-01-06T09:00:00Z');

            INSERT INTO voice_sessions (lead_id, brand, customer_phone, customer_phone_normalized, call_sid, call_status, call_direction,
                                        call_duration_seconds, created_at) VALUES
              ('{{Ravi}}', 'acme', '+91 98222 22222', '919822222222', 'CA-ravi-1', 'completed', 'inbound', 95, '2025-01-04T10:00:00Z'),
              ('{{GlobexCaller}}', 'globex', '+1 415 555 0100', '14155550100', 'CA-globex-1', 'completed', 'inbound', 30,
               '2025-01-02T09:00:00Z');

            INSERT INTO social_sessions (lead_id, brand, customer_name, customer_email, platform, platform_user_id, platform_username,
                                         engagement_type, engagement_count, created_at) VALUES
              ('{{Meera}}', 'acme', 'Meera_Designs', 'meera@example.com', 'instagram', 'ig-user-1', 'meera.designs', 'dm', 1,
               '2025-01-01T08:00:00Z');

            -- Inserted out of time order: the timeline must sort by occurred_at, not by insertion.
            INSERT INTO messages (lead_id, brand, channel, sender, content, external_id, occurred_at, metadata) VALUES
              ('{{John}}', 'acme', 'whatsapp', 'agent', 'Yes, see you on the 10th', 'wamid.2', '2025-01-03T09:00:00Z', '{}'),
              ('{{John}}', 'acme', 'web', 'customer', 'Hi, I want to book a demo', 'web-1', '2025-01-01T10:00:00Z', '{"intent": "booking"}'),
              ('{{John}}', 'acme', 'whatsapp', 'customer', 'Is my booking confirmed?', 'wamid.1', '2025-01-03T08:59:00Z', '{}'),
              ('{{John}}', 'acme', 'web', 'agent', 'Booked for Jan 10, 15:30', 'web-2', '2025-01-01T10:01:00Z', '{}'),
              ('{{Priya}}', 'acme', 'whatsapp', 'customer', 'Price?', 'wamid.3', '2025-01-02T12:00:00Z', '{}'),
              ('{{Ravi}}', 'acme', 'whatsapp', 'customer', 'Thanks', 'wamid.4', '2025-01-05T09:00:00Z', '{}'),
              ('{{Ravi}}', 'acme', 'voice', 'customer', 'I would like to know the opening hours', 'CA-ravi-1:t', '2025-01-04T10:00:30Z', '{}'),
              ('{{Ravi}}', 'acme', 'web', 'customer', 'Opening hours form', 'web-ravi-1:1', '2025-01-04T12:00:00Z', '{}'),
              ('{{Meera}}', 'acme', 'social', 'customer', 'Love this!', 'ig-mid-1', '2025-01-01T08:00:00Z', '{}'),
              ('{{GlobexJohn}}', 'globex', 'web', 'customer', '{{GlobexSecret}}', 'web-g-1', '2025-01-06T08:00:00Z', '{}'),
              ('{{GlobexJohn}}', 'globex', 'whatsapp', 'customer', 'hello', 'wamid.g1', '2025-01-06T09:00:00Z', '{}'),
              ('{{GlobexCaller}}', 'globex', 'voice', 'customer', 'call transcript', 'CA-globex-1:t', '2025-01-02T09:00:10Z', '{}');
            """);
        await command.ExecuteNonQueryAsync();
    }
}
