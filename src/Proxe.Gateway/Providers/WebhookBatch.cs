using Proxe.Contracts;
using Proxe.Gateway.Brands;

namespace Proxe.Gateway.Providers;

/// <summary>
/// What one provider POST maps to: the interactions, the brands whose secret must verify the body before any of
/// them is published, the provider accounts no brand owns, and the events deliberately not recorded.
/// </summary>
public sealed class WebhookBatch
{
    public List<ChannelInteractionReceived> Interactions { get; } = [];
    public Dictionary<string, BrandSettings> Brands { get; } = new(StringComparer.Ordinal);
    public List<string> UnknownAccounts { get; } = [];

    /// <summary>
    /// Set when the payload names an account that must exist (the web widget's brand): the request gets 404. Meta's
    /// accounts go to <see cref="UnknownAccounts"/> instead, since Meta disables a webhook that keeps failing.
    /// </summary>
    public string? UnknownAccountRefusal { get; set; }

    /// <summary>Structural problems (an event without its id); any of them rejects the whole POST with 400.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Echoes of our own messages, read receipts and other events that are not customer interactions.</summary>
    public int Ignored { get; set; }

    /// <summary>
    /// Problems the provider reports about the account or app (WhatsApp's value-level errors[]): logged for the
    /// operator, never a reason to refuse the POST. Codes and titles only; details may quote customer data.
    /// </summary>
    public List<string> ProviderErrors { get; } = [];
}
