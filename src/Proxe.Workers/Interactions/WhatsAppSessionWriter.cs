using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

public sealed class WhatsAppSessionWriter : SessionWriter
{
    public override string Channel => Channels.WhatsApp;

    /// <summary>Receipts of one message share a timestamp second; on a tie the later stage of delivery wins.</summary>
    static string StatusRank(string column) =>
        $"(CASE {column} WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END)";

    public override string Key(ChannelInteractionReceived interaction) => interaction.WhatsApp?.ContactId ?? interaction.SessionKey;

    static readonly string StatusIsNewer = $"""
        (excluded.last_status IS NOT NULL AND (s.last_status_at IS NULL OR excluded.last_status_at > s.last_status_at
            OR (excluded.last_status_at = s.last_status_at AND {StatusRank("excluded.last_status")} >= {StatusRank("s.last_status")})))
        """;

    /// <summary>The oldest unanswered customer message starts the clock; a new agent message after it is the reply that stops it.</summary>
    const string IsReply = "excluded.last_message_from = 'agent' AND excluded.last_message_at >= s.awaiting_reply_since";

    protected override string UpsertSql { get; } = $"""
        INSERT INTO whatsapp_sessions AS s (brand, lead_id, whatsapp_contact_id, whatsapp_business_account_id, customer_name,
            customer_email, customer_phone, customer_phone_normalized, conversation_summary, conversation_context,
            user_inputs_summary, conversation_status, overall_sentiment, message_count, last_message_at, last_message_from,
            last_message_preview, last_status, last_status_at, last_status_error, awaiting_reply_since, channel_data)
        SELECT brand, lead_id, session_key, business_account_id, customer_name,
            customer_email, customer_phone, customer_phone_normalized, conversation_summary, conversation_context,
            user_inputs_summary, conversation_status, overall_sentiment, message_count, message_at, message_from,
            message_preview, status, status_at, status_error,
            CASE WHEN message_from = 'customer' THEN message_at END, channel_data
        FROM {Rows("session_key", "business_account_id", "conversation_summary", "conversation_context", "user_inputs_summary",
            "conversation_status", "overall_sentiment", "status", "status_at", "status_error", "channel_data")}
        ORDER BY position
        ON CONFLICT (brand, whatsapp_contact_id) DO UPDATE SET
            {Coalesce("whatsapp_business_account_id", "customer_name", "customer_email", "customer_phone", "customer_phone_normalized")},
            {Coalesce("conversation_summary", "conversation_context", "user_inputs_summary", "conversation_status", "overall_sentiment")},
            message_count = s.message_count + excluded.message_count,
            last_message_at = greatest(s.last_message_at, excluded.last_message_at),
            last_message_from = CASE WHEN excluded.last_message_at >= coalesce(s.last_message_at, '-infinity')
                THEN excluded.last_message_from ELSE s.last_message_from END,
            last_message_preview = CASE WHEN excluded.last_message_at >= coalesce(s.last_message_at, '-infinity')
                THEN excluded.last_message_preview ELSE s.last_message_preview END,
            awaiting_reply_since = CASE
                WHEN excluded.last_message_from = 'customer' THEN least(s.awaiting_reply_since, excluded.awaiting_reply_since)
                WHEN {IsReply} THEN NULL
                ELSE s.awaiting_reply_since END,
            response_time_avg_seconds = CASE WHEN {IsReply}
                THEN round((coalesce(s.response_time_avg_seconds, 0) * s.response_count
                            + extract(epoch FROM excluded.last_message_at - s.awaiting_reply_since)) / (s.response_count + 1), 2)
                ELSE s.response_time_avg_seconds END,
            response_count = s.response_count + CASE WHEN {IsReply} THEN 1 ELSE 0 END,
            last_status = CASE WHEN {StatusIsNewer} THEN excluded.last_status ELSE s.last_status END,
            last_status_error = CASE WHEN {StatusIsNewer} THEN excluded.last_status_error ELSE s.last_status_error END,
            last_status_at = CASE WHEN {StatusIsNewer} THEN excluded.last_status_at ELSE s.last_status_at END,
            channel_data = s.channel_data || excluded.channel_data
        """;

    protected override void AddColumns(SessionRows rows) => rows
        .Text("session_key", write => Key(write.Interaction))
        .Text("business_account_id", write => write.Interaction.WhatsApp?.BusinessAccountId)
        .Text("conversation_summary", write => write.Interaction.WhatsApp?.ConversationSummary)
        .Json("conversation_context", write => Json(write.Interaction.WhatsApp?.ConversationContext))
        .Text("user_inputs_summary", write => write.Interaction.WhatsApp?.UserInputsSummary)
        .Text("conversation_status", write => write.Interaction.WhatsApp?.ConversationStatus)
        .Text("overall_sentiment", write => write.Interaction.WhatsApp?.OverallSentiment)
        .Text("status", write => write.Interaction.WhatsApp?.DeliveryStatus?.Status)
        .Timestamps("status_at", write => write.Interaction.WhatsApp?.DeliveryStatus is null ? null : write.Interaction.OccurredAt)
        .Text("status_error", write => StatusError(write.Interaction.WhatsApp?.DeliveryStatus))
        .Json("channel_data", write => ChannelData(write.Interaction.WhatsApp?.ChannelData));

    static string? StatusError(WhatsAppDeliveryStatus? status) => status switch
    {
        null => null,
        { ErrorCode: null, ErrorTitle: null } => null,
        _ => string.Join(": ", new[] { status.ErrorCode, status.ErrorTitle }.Where(part => !string.IsNullOrEmpty(part))),
    };
}
