using System.Globalization;
using System.Text;
using System.Text.Json;
using Proxe.Contracts;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// Request bodies as callers send them: POST /v1/interactions (snake_case, what n8n and the orchestrator post),
/// the WhatsApp Cloud API webhook and the PROXe web widget.
/// </summary>
public static class Posts
{
    /// <summary>A fixed past moment; every scenario places its events relative to it.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);

    public static object Customer(string? name = null, string? phone = null, string? email = null, string? platform = null, string? platformUserId = null) =>
        new { name, phone, email, platform, platform_user_id = platformUserId };

    public static object Message(string content, string sender = Senders.Customer, string? type = null) => new { sender, content, type };

    public static object Web(string eventId, DateTimeOffset at, object customer, string sessionId, object? message = null,
        string? bookingStatus = null, string? summary = null) => new
    {
        channel = Channels.Web,
        external_event_id = eventId,
        occurred_at = at,
        customer,
        message,
        web = new { external_session_id = sessionId, booking_status = bookingStatus, conversation_summary = summary },
    };

    public static object WhatsApp(string eventId, DateTimeOffset at, object customer, string contactId, object? message = null) => new
    {
        channel = Channels.WhatsApp,
        external_event_id = eventId,
        occurred_at = at,
        customer,
        message,
        whatsapp = new { contact_id = contactId },
    };

    public static object Voice(string eventId, DateTimeOffset at, object customer, string callSid, object? message = null,
        string? status = null, int? durationSeconds = null, string? transcription = null) => new
    {
        channel = Channels.Voice,
        external_event_id = eventId,
        occurred_at = at,
        customer,
        message,
        voice = new { call_sid = callSid, call_direction = "inbound", call_status = status, call_duration_seconds = durationSeconds, transcription },
    };

    public static object Social(string eventId, DateTimeOffset at, object customer, string platform, string userId, object? message = null) => new
    {
        channel = Channels.Social,
        external_event_id = eventId,
        occurred_at = at,
        customer,
        message,
        social = new { platform, platform_user_id = userId, engagement_type = "dm" },
    };

    /// <summary>A WhatsApp Cloud API "messages" webhook with one inbound text, compact as Meta sends it.</summary>
    public static byte[] WhatsAppText(TestBrand brand, string waId, string name, string messageId, DateTimeOffset at, string text) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            @object = "whatsapp_business_account",
            entry = new[]
            {
                new
                {
                    id = $"WABA-{brand.Name}",
                    changes = new[]
                    {
                        new
                        {
                            field = "messages",
                            value = new
                            {
                                messaging_product = "whatsapp",
                                metadata = new { display_phone_number = "15550001111", phone_number_id = brand.WhatsAppPhoneNumberId },
                                contacts = new[] { new { profile = new { name }, wa_id = waId } },
                                messages = new[]
                                {
                                    new
                                    {
                                        from = waId,
                                        id = messageId,
                                        timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                                        type = "text",
                                        text = new { body = text },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        });

    /// <summary>A web widget post: the visitor, the session state and its chat messages (id, sender, content, sent_at).</summary>
    public static byte[] Widget(TestBrand brand, string sessionId, object visitor, (string Id, string Sender, string Content, DateTimeOffset SentAt)[] messages,
        object? booking = null, string? summary = null, string websiteUrl = "https://example.com/projects/lakeview") =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            brand = brand.Name,
            visitor,
            external_session_id = sessionId,
            chat_session_id = "chat-" + sessionId,
            website_url = websiteUrl,
            booking,
            conversation_summary = summary,
            messages = messages.Select(m => new { id = m.Id, sender = m.Sender, content = m.Content, sent_at = m.SentAt }),
        }, EndToEndHost.Json);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
