using System.Text.Json;

namespace Proxe.Database.Entities;

/// <summary>A row of social_sessions, natural key (brand, platform, platform_user_id).</summary>
public sealed class SocialSession
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public string Brand { get; set; } = "";
    public string? CustomerName { get; set; }
    public string? CustomerEmail { get; set; }
    public string? CustomerPhone { get; set; }
    public string? CustomerPhoneNormalized { get; set; }
    public string Platform { get; set; } = "";
    public string PlatformUserId { get; set; } = "";
    public string? PlatformUsername { get; set; }
    public string? EngagementType { get; set; }
    public string? ContentId { get; set; }
    public string? EngagementPreview { get; set; }
    public DateTime? LastEngagementAt { get; set; }
    public int EngagementCount { get; set; }
    public string? ConversationSummary { get; set; }
    public JsonElement? ConversationContext { get; set; }
    public string? UserInputsSummary { get; set; }
    public string? Sentiment { get; set; }
    public string? EngagementQuality { get; set; }
    public JsonElement ChannelData { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
