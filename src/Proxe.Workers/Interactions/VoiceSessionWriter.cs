using Npgsql;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

public sealed class VoiceSessionWriter : SessionWriter
{
    public override string Channel => Channels.Voice;

    public override string SessionName => "call";

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

    static readonly string UpsertSql = $"""
        INSERT INTO voice_sessions AS s (brand, lead_id, call_sid, customer_name, customer_email, customer_phone,
            customer_phone_normalized, phone_number, caller, call_direction, call_status, last_status_sequence,
            call_duration_seconds, recording_url, transcription, call_summary, sentiment, conversation_context,
            user_inputs_summary, audio_quality, channel_data)
        VALUES (@brand, @lead_id, @call_sid, @customer_name, @customer_email, @customer_phone,
            @customer_phone_normalized, @phone_number, @caller, @call_direction, @call_status, @sequence,
            @duration, @recording_url, @transcription, @call_summary, @sentiment, @conversation_context,
            @user_inputs_summary, @audio_quality, @channel_data)
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
        WHERE s.brand = excluded.brand
        """;

    public override NpgsqlCommand Upsert(NpgsqlConnection connection, SessionWrite write)
    {
        var voice = write.Interaction.Voice;
        return CommonCommand(connection, UpsertSql, write)
            .With("call_sid", Key(write.Interaction))
            .With("phone_number", voice?.PhoneNumber)
            .With("caller", write.Interaction.Customer.Phone)
            .With("call_direction", voice?.CallDirection)
            .With("call_status", voice?.CallStatus)
            .With("sequence", voice?.SequenceNumber)
            .With("duration", voice?.CallDurationSeconds)
            .With("recording_url", voice?.RecordingUrl)
            .With("transcription", voice?.Transcription)
            .With("call_summary", voice?.CallSummary)
            .With("sentiment", voice?.Sentiment)
            .WithJson("conversation_context", Json(voice?.ConversationContext))
            .With("user_inputs_summary", voice?.UserInputsSummary)
            .With("audio_quality", voice?.AudioQuality)
            .WithJson("channel_data", ChannelData(voice?.ChannelData));
    }
}
