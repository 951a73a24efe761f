using NpgsqlTypes;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

public sealed class WebSessionWriter : SessionWriter
{
    public override string Channel => Channels.Web;

    public override string Key(ChannelInteractionReceived interaction) => interaction.Web?.ExternalSessionId ?? interaction.SessionKey;

    protected override string UpsertSql { get; } = $"""
        INSERT INTO web_sessions AS s (brand, lead_id, external_session_id, chat_session_id, customer_name, customer_email,
            customer_phone, website_url, booking_status, booking_date, booking_time, google_event_id, conversation_summary,
            user_inputs_summary, session_status, message_count, last_message_at, channel_data)
        SELECT brand, lead_id, session_key, chat_session_id, customer_name, customer_email,
            customer_phone, website_url, booking_status, booking_date, booking_time, google_event_id, conversation_summary,
            user_inputs_summary, session_status, message_count, message_at, channel_data
        FROM {Rows("session_key", "chat_session_id", "website_url", "booking_status", "booking_date", "booking_time", "google_event_id",
            "conversation_summary", "user_inputs_summary", "session_status", "channel_data")}
        ORDER BY position
        ON CONFLICT (brand, external_session_id) DO UPDATE SET
            {Coalesce("chat_session_id", "customer_name", "customer_email", "customer_phone", "website_url")},
            {Coalesce("booking_status", "booking_date", "booking_time", "google_event_id")},
            {Coalesce("conversation_summary", "user_inputs_summary", "session_status")},
            message_count = s.message_count + excluded.message_count,
            last_message_at = greatest(s.last_message_at, excluded.last_message_at),
            channel_data = s.channel_data || excluded.channel_data
        """;

    protected override void AddColumns(SessionRows rows) => rows
        .Text("session_key", write => Key(write.Interaction))
        .Text("chat_session_id", write => write.Interaction.Web?.ChatSessionId)
        .Text("website_url", write => write.Interaction.Web?.WebsiteUrl)
        .Text("booking_status", write => write.Interaction.Web?.BookingStatus)
        .Values("booking_date", write => write.Interaction.Web?.BookingDate, NpgsqlDbType.Date)
        .Values("booking_time", write => write.Interaction.Web?.BookingTime, NpgsqlDbType.Time)
        .Text("google_event_id", write => write.Interaction.Web?.GoogleEventId)
        .Text("conversation_summary", write => write.Interaction.Web?.ConversationSummary)
        .Text("user_inputs_summary", write => write.Interaction.Web?.UserInputsSummary)
        .Text("session_status", write => write.Interaction.Web?.SessionStatus)
        .Json("channel_data", write => ChannelData(write.Interaction.Web?.ChannelData));
}
