namespace Proxe.Gateway.Publishing;

public sealed class BrokerUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>How long the caller should wait before trying again.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
