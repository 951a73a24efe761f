using System.Text.Json;

namespace Proxe.Database.Entities;

/// <summary>A row of all_leads: one customer of one brand, whatever channels they used.</summary>
public sealed class Lead
{
    public Guid Id { get; set; }
    public string Brand { get; set; } = "";
    public string? CustomerName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? CustomerPhoneNormalized { get; set; }
    public string FirstTouchpoint { get; set; } = "";
    public string LastTouchpoint { get; set; } = "";

    /// <summary>Provider time of the earliest interaction; moves only when an earlier one arrives late (migration 002).</summary>
    public DateTime FirstInteractionAt { get; set; }
    public DateTime? LastInteractionAt { get; set; }
    public JsonElement UnifiedContext { get; set; }

    /// <summary>{"web": first time, ...}, kept by the session and message triggers (migration 004); the workers' first times arrive with the journey's save (009).</summary>
    public JsonElement ChannelFirstAt { get; set; }

    /// <summary>The channels in order of first use, kept by a trigger from first_touchpoint and channel_first_at.</summary>
    public string[] Journey { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
