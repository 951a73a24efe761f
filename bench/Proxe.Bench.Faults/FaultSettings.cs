namespace Proxe.Bench.Faults;

/// <summary>Everything a run can be told; defaults are the long form, <c>--short</c> shrinks the durations.</summary>
public sealed record FaultSettings
{
    public required IReadOnlyList<string> Faults { get; init; }
    public int PostgresPort { get; init; } = 16432;
    public int AmqpPort { get; init; } = 16672;
    public int ManagementPort { get; init; } = 16673;
    public int DistributionPort { get; init; } = 16674;
    public int GatewayPort { get; init; } = 16080;
    public int WorkersPort { get; init; } = 16082;

    /// <summary>Names the stack for deploy/local (its data folder .proxe/stacks/&lt;name&gt; and RabbitMQ node).</summary>
    public string StackName { get; init; } = "faults";

    public int Clients { get; init; } = 8;

    /// <summary>Interactions per second posted to /v1/interactions, all clients together.</summary>
    public double Rate { get; init; } = 60;

    /// <summary>Twilio status callbacks per second while the broker is down.</summary>
    public double TwilioRate { get; init; } = 10;

    public int LeadsPerFault { get; init; } = 400;
    public double OutOfOrder { get; init; } = 0.05;
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan BrokerOutage { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>(g): how long the broker stays down around the gateway's kill (half before it, half after).</summary>
    public TimeSpan SpoolOutage { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>(f): seconds between the workers coming back and the broker restart.</summary>
    public TimeSpan QuickSuccessionGap { get; init; } = TimeSpan.FromSeconds(6);

    public TimeSpan Backlog { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Interactions queued in full messages while the workers are down in 'full'.</summary>
    public int FullBacklog { get; init; } = 240_000;

    /// <summary>Longest wait for the queues to empty after a fault.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Waiting stops early when nothing moves (no row recorded, no queue shrinking) for this long.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Configuration key of the gateway's spool folder; it is put under the stack's data folder.</summary>
    public string SpoolSetting { get; init; } = "Proxe:Spool:Directory";

    public int Seed { get; init; } = 20_261_202;
}
