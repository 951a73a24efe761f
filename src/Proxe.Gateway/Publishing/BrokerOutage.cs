namespace Proxe.Gateway.Publishing;

/// <summary>
/// Whether RabbitMQ is known to be away: set when a publish fails on a broker fault, cleared when the drain gets a
/// confirm. While it is set and the spool holds requests, new requests go straight to the spool: no request waits
/// for a timeout of its own, and none overtakes the backlog while the broker is gone.
/// </summary>
public sealed class BrokerOutage
{
    private volatile bool _active;

    public bool IsActive => _active;

    public void Begin() => _active = true;

    public void End() => _active = false;
}
