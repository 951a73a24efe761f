using System.ComponentModel.DataAnnotations;

namespace Proxe.Gateway.Providers;

/// <summary>Settings shared by every provider webhook, bound from "Proxe:Providers".</summary>
public sealed class ProviderOptions
{
    public const string Section = "Proxe:Providers";

    /// <summary>
    /// The scheme and host providers call, e.g. "https://proxe.example.com", when a proxy sits in front of the
    /// gateway: Twilio signs the URL it called, which the gateway cannot see behind a proxy. Empty: the request's own URL.
    /// </summary>
    [Url]
    public string? PublicBaseUrl { get; init; }

    /// <summary>Largest webhook body accepted; bigger ones get 413. Meta batches stay far below 1 MB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxBodyBytes { get; init; } = 1024 * 1024;
}
