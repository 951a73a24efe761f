using System.Text.Json;

namespace Proxe.Database.Entities;

/// <summary>A row of web_sessions, natural key (brand, external_session_id).</summary>
public sealed class WebSession
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public string Brand { get; set; } = "";
    public string? CustomerName { get; set; }
    public string? CustomerEmail { get; set; }
    public string? CustomerPhone { get; set; }
    public string? ExternalSessionId { get; set; }
    public string? ChatSessionId { get; set; }
    public string? WebsiteUrl { get; set; }
    public string? BookingStatus { get; set; }
    public DateOnly? BookingDate { get; set; }
    public TimeOnly? BookingTime { get; set; }
    public string? GoogleEventId { get; set; }
    public string? ConversationSummary { get; set; }
    public string? UserInputsSummary { get; set; }
    public int MessageCount { get; set; }
    public DateTime? LastMessageAt { get; set; }
    public string? SessionStatus { get; set; }
    public JsonElement ChannelData { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
