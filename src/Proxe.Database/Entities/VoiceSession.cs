using System.Text.Json;

namespace Proxe.Database.Entities;

/// <summary>A row of voice_sessions, natural key (brand, call_sid).</summary>
public sealed class VoiceSession
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public string Brand { get; set; } = "";
    public string? CustomerName { get; set; }
    public string? CustomerEmail { get; set; }
    public string? CustomerPhone { get; set; }
    public string? CustomerPhoneNormalized { get; set; }
    public string CallSid { get; set; } = "";
    public string? PhoneNumber { get; set; }
    public string? Caller { get; set; }
    public int? CallDurationSeconds { get; set; }
    public string? CallStatus { get; set; }

    /// <summary>Highest Twilio SequenceNumber applied, so a late callback never moves the status back.</summary>
    public int? LastStatusSequence { get; set; }
    public string? CallDirection { get; set; }
    public string? RecordingUrl { get; set; }
    public string? Transcription { get; set; }
    public string? CallSummary { get; set; }
    public string? Sentiment { get; set; }
    public JsonElement? ConversationContext { get; set; }
    public string? UserInputsSummary { get; set; }
    public string? AudioQuality { get; set; }
    public JsonElement ChannelData { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
