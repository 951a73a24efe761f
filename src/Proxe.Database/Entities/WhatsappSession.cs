using System.Text.Json;

namespace Proxe.Database.Entities;

/// <summary>A row of whatsapp_sessions, natural key (brand, whatsapp_contact_id).</summary>
public sealed class WhatsappSession
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public string Brand { get; set; } = "";
    public string? CustomerName { get; set; }
    public string? CustomerEmail { get; set; }
    public string? CustomerPhone { get; set; }
    public string? CustomerPhoneNormalized { get; set; }
    public string? WhatsappBusinessAccountId { get; set; }
    public string WhatsappContactId { get; set; } = "";
    public string? ConversationSummary { get; set; }
    public JsonElement? ConversationContext { get; set; }
    public string? UserInputsSummary { get; set; }
    public int MessageCount { get; set; }
    public DateTime? LastMessageAt { get; set; }
    public string? LastMessageFrom { get; set; }
    public string? LastMessagePreview { get; set; }
    public string? ConversationStatus { get; set; }
    public decimal? ResponseTimeAvgSeconds { get; set; }
    public string? OverallSentiment { get; set; }
    public JsonElement ChannelData { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? LastStatus { get; set; }
    public DateTime? LastStatusAt { get; set; }
    public string? LastStatusError { get; set; }
    public DateTime? AwaitingReplySince { get; set; }
    public int ResponseCount { get; set; }
}
