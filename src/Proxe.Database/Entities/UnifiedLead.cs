using System.Text.Json;

namespace Proxe.Database.Entities;

/// <summary>A row of the unified_leads view: the seed's columns, one row per lead.</summary>
public sealed class UnifiedLead
{
    public Guid Id { get; set; }
    public string FirstTouchpoint { get; set; } = "";
    public string LastTouchpoint { get; set; } = "";
    public string? Name { get; set; }
    public string? Email { get; set; }

    /// <summary>The normalized phone (the seed queries WHERE phone = '919876543210').</summary>
    public string? Phone { get; set; }
    public string Brand { get; set; } = "";

    /// <summary>When the lead was made (all_leads.created_at).</summary>
    public DateTime Timestamp { get; set; }

    /// <summary>One object per channel the lead used: session and message counts, the latest session's key fields.</summary>
    public JsonElement Metadata { get; set; }
    public DateTime? LastInteractionAt { get; set; }
    public JsonElement UnifiedContext { get; set; }
}
