using NpgsqlTypes;
using Npgsql;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

public sealed class WebSessionWriter : SessionWriter
{
    public override string Channel => Channels.Web;

    public override string SessionName => "web session";

    public override string Key(ChannelInteractionReceived interaction) => interaction.Web?.ExternalSessionId ?? interaction.SessionKey;

    static readonly string UpsertSql = $"""
        INSERT INTO web_sessions AS s (brand, lead_id, external_session_id, chat_session_id, customer_name, customer_email,
            customer_phone, website_url, booking_status, booking_date, booking_time, google_event_id, conversation_summary,
            user_inputs_summary, session_status, message_count, last_message_at, channel_data)
        VALUES (@brand, @lead_id, @session_key, @chat_session_id, @customer_name, @customer_email,
            @customer_phone, @website_url, @booking_status, @booking_date, @booking_time, @google_event_id, @conversation_summary,
            @user_inputs_summary, @session_status, @message_count, @message_at, @channel_data)
        ON CONFLICT (brand, external_session_id) DO UPDATE SET
            {Coalesce("chat_session_id", "customer_name", "customer_email", "customer_phone", "website_url")},
            {Coalesce("booking_status", "booking_date", "booking_time", "google_event_id")},
            {Coalesce("conversation_summary", "user_inputs_summary", "session_status")},
            message_count = s.message_count + excluded.message_count,
            last_message_at = greatest(s.last_message_at, excluded.last_message_at),
            channel_data = s.channel_data || excluded.channel_data
        """;

    public override NpgsqlCommand Upsert(NpgsqlConnection connection, SessionWrite write)
    {
        var web = write.Interaction.Web;
        return CommonCommand(connection, UpsertSql, write)
            .With("session_key", Key(write.Interaction))
            .With("chat_session_id", web?.ChatSessionId)
            .With("website_url", web?.WebsiteUrl)
            .With("booking_status", web?.BookingStatus)
            .With("booking_date", web?.BookingDate, NpgsqlDbType.Date)
            .With("booking_time", web?.BookingTime, NpgsqlDbType.Time)
            .With("google_event_id", web?.GoogleEventId)
            .With("conversation_summary", web?.ConversationSummary)
            .With("user_inputs_summary", web?.UserInputsSummary)
            .With("session_status", web?.SessionStatus)
            .WithJson("channel_data", ChannelData(web?.ChannelData));
    }
}
