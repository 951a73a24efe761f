using NpgsqlTypes;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

public sealed class VoiceSessionWriter : SessionWriter
{
    public override string Channel => Channels.Voice;

    /// <summary>Twilio's call progress; every final status ranks the same (a call ends only once).</summary>
    static string StatusRank(string column) => $"""
        (CASE {column} WHEN 'queued' THEN 1 WHEN 'initiated' THEN 2 WHEN 'ringing' THEN 3 WHEN 'in-progress' THEN 4
            WHEN 'answered' THEN 4 WHEN 'completed' THEN 5 WHEN 'busy' THEN 5 WHEN 'failed' THEN 5 WHEN 'no-answer' THEN 5
            WHEN 'canceled' THEN 5 ELSE 0 END)
        """;

    /// <summary>A status applies only when it is further along, or as far along with a higher SequenceNumber.</summary>
    static readonly string StatusMovesForward = $"""
        (excluded.call_status IS NOT NULL AND (s.call_status IS NULL
            OR {StatusRank("excluded.call_status")} > {StatusRank("s.call_status")}
            OR ({StatusRank("excluded.call_status")} = {StatusRank("s.call_status")}
                AND coalesce(excluded.last_status_sequence, -1) > coalesce(s.last_status_sequence, -1))))
        """;

    public override string Key(ChannelInteractionReceived interaction) => interaction.Voice?.CallSid ?? interaction.SessionKey;

    protected override string UpsertSql { get; } = $"""
        INSERT INTO voice_sessions AS s (brand, lead_id, call_sid, customer_name, customer_email, customer_phone,
            customer_phone_normalized, phone_number, caller, call_direction, call_status, last_status_sequence,
            call_duration_seconds, recording_url, transcription, call_summary, sentiment, conversation_context,
            user_inputs_summary, audio_quality, channel_data)
        SELECT brand, lead_id, call_sid, customer_name, customer_email, customer_phone,
            customer_phone_normalized, phone_number, caller, call_direction, call_status, sequence,
            duration, recording_url, transcription, call_summary, sentiment, conversation_context,
            user_inputs_summary, audio_quality, channel_data
        FROM {Rows("call_sid", "phone_number", "caller", "call_direction", "call_status", "sequence", "duration", "recording_url",
            "transcription", "call_summary", "sentiment", "conversation_context", "user_inputs_summary", "audio_quality", "channel_data")}
        ORDER BY position
        ON CONFLICT (brand, call_sid) DO UPDATE SET
            {Coalesce("customer_name", "customer_email", "customer_phone", "customer_phone_normalized")},
            phone_number = coalesce(s.phone_number, excluded.phone_number),
            caller = coalesce(s.caller, excluded.caller),
            call_direction = coalesce(s.call_direction, excluded.call_direction),
            call_status = CASE WHEN {StatusMovesForward} THEN excluded.call_status ELSE s.call_status END,
            last_status_sequence = greatest(s.last_status_sequence, excluded.last_status_sequence),
            call_duration_seconds = greatest(s.call_duration_seconds, excluded.call_duration_seconds),
            {Coalesce("recording_url", "transcription", "call_summary", "sentiment")},
            {Coalesce("conversation_context", "user_inputs_summary", "audio_quality")},
            channel_data = s.channel_data || excluded.channel_data
        """;

    protected override void AddColumns(SessionRows rows) => rows
        .Text("call_sid", write => Key(write.Interaction))
        .Text("phone_number", write => write.Interaction.Voice?.PhoneNumber)
        .Text("caller", write => write.Interaction.Customer.Phone)
        .Text("call_direction", write => write.Interaction.Voice?.CallDirection)
        .Text("call_status", write => write.Interaction.Voice?.CallStatus)
        .Values("sequence", write => write.Interaction.Voice?.SequenceNumber, NpgsqlDbType.Integer)
        .Values("duration", write => write.Interaction.Voice?.CallDurationSeconds, NpgsqlDbType.Integer)
        .Text("recording_url", write => write.Interaction.Voice?.RecordingUrl)
        .Text("transcription", write => write.Interaction.Voice?.Transcription)
        .Text("call_summary", write => write.Interaction.Voice?.CallSummary)
        .Text("sentiment", write => write.Interaction.Voice?.Sentiment)
        .Json("conversation_context", write => Json(write.Interaction.Voice?.ConversationContext))
        .Text("user_inputs_summary", write => write.Interaction.Voice?.UserInputsSummary)
        .Text("audio_quality", write => write.Interaction.Voice?.AudioQuality)
        .Json("channel_data", write => ChannelData(write.Interaction.Voice?.ChannelData));
}
