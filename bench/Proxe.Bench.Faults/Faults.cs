using Npgsql;
using Proxe.Gateway.Publishing;
using Proxe.Messaging;

namespace Proxe.Bench.Faults;

/// <summary>What a fault needs while it runs: the stack, the load, the run's settings and a log line writer.</summary>
public sealed record FaultContext(FaultStack Stack, NpgsqlDataSource Database, Traffic Traffic, FaultSettings Settings, CancellationToken CancellationToken)
{
    public void Log(string line) => Console.WriteLine($"[faults]   {DateTimeOffset.UtcNow:HH:mm:ss} {line}");
}

/// <summary>
/// One fault, caused under load. <see cref="InjectAsync"/> returns the evidence that it really happened (a process
/// died with SIGKILL, a pid changed, the broker did not answer) and throws <see cref="FaultNotCausedException"/> when
/// it did not, so a run cannot pass without its faults.
/// </summary>
/// <param name="Bulk">Interactions the fault posts at once (<see cref="Traffic.PostBulkAsync"/>), beside the steady load.</param>
public sealed record Fault(string Id, string Title, bool WebhooksMustSucceed, int ExpectedSeconds, Func<FaultContext, Task<IReadOnlyList<string>>> InjectAsync,
    int Bulk = 0)
{
    public static IReadOnlyList<Fault> All(FaultSettings s) =>
    [
        new("a", "kill -9 the workers", false, 30, One(KillWorkersAsync)),
        new("b", "restart RabbitMQ", false, 40, One(RestartBrokerAsync)),
        new("c", "crash-restart PostgreSQL (pg_ctl restart -m immediate)", false, 30, One(CrashRestartPostgresAsync)),
        new("d", "kill -9 the gateway", false, 30, One(KillGatewayAsync)),
        new("e", $"stop RabbitMQ for {s.BrokerOutage.TotalSeconds:0} s while Twilio callbacks arrive", true, 40 + (int)s.BrokerOutage.TotalSeconds,
            BrokerOutageAsync),
        new("f", $"kill -9 the workers, restart them, restart RabbitMQ {s.QuickSuccessionGap.TotalSeconds:0} s later", false, 60, QuickSuccessionAsync),
        new("g", "stop RabbitMQ, kill -9 the gateway while it holds spooled events, restart it, start RabbitMQ", true,
            60 + (int)s.SpoolOutage.TotalSeconds, SpooledGatewayKillAsync),
        new("backlog", $"the interactions queue's consumers get nothing for {s.Backlog.TotalSeconds:0} s, then the held messages at once", false,
            40 + (int)s.Backlog.TotalSeconds, BacklogAsync),
        new("full", $"kill -9 the workers, post {s.FullBacklog:N0} interactions at once (less redeliveries), restart the workers within deploy/k8s's memory limit",
            false, 90, FullBacklogAsync, s.FullBacklog),
    ];

    static Func<FaultContext, Task<IReadOnlyList<string>>> One(Func<FaultContext, Task<string>> inject) => async c => [await inject(c)];

    static async Task<string> KillWorkersAsync(FaultContext c)
    {
        var evidence = await c.Stack.Workers.KillAsync();
        c.Log(evidence);
        c.Stack.Workers.Start();
        return evidence + "; " + await ReadyAsync(c, c.Stack.Workers);
    }

    static async Task<string> KillGatewayAsync(FaultContext c)
    {
        var evidence = await c.Stack.Gateway.KillAsync();
        c.Log(evidence);
        c.Stack.Gateway.Start();
        return evidence + "; " + await ReadyAsync(c, c.Stack.Gateway);
    }

    static async Task<string> ReadyAsync(FaultContext c, ServiceProcess service, string kind = "ready")
    {
        var started = DateTimeOffset.UtcNow;
        var ready = await service.WaitHealthyAsync(kind, c.Settings.ReadyTimeout, c.CancellationToken);
        var line = ready
            ? $"{service.Name} {kind} again after {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s"
            : $"{service.Name} NOT {kind} after {c.Settings.ReadyTimeout.TotalSeconds:0} s";
        c.Log(line);
        return line;
    }

    static async Task<string> StopBrokerAsync(FaultContext c)
    {
        var (_, before) = await c.Stack.PidsAsync(c.CancellationToken);
        if (before == 0)
            throw new FaultNotCausedException("RabbitMQ was not running before the fault.");
        await c.Stack.StopRabbitMqAsync(c.CancellationToken);
        var (_, after) = await c.Stack.PidsAsync(c.CancellationToken);
        if (after != 0 || await c.Stack.Broker.IsUpAsync(c.CancellationToken))
            throw new FaultNotCausedException($"RabbitMQ still runs after the stop (pid {after}).");
        var line = $"RabbitMQ (pid {before}) stopped; its management API does not answer";
        c.Log(line);
        return line;
    }

    static async Task<string> StartBrokerAsync(FaultContext c, DateTimeOffset stoppedAt)
    {
        await c.Stack.StartRabbitMqAsync(c.CancellationToken);
        var (_, pid) = await c.Stack.PidsAsync(c.CancellationToken);
        var line = $"RabbitMQ started again (pid {pid}), down {(DateTimeOffset.UtcNow - stoppedAt).TotalSeconds:0.0} s";
        c.Log(line);
        return line;
    }

    static async Task<string> RestartBrokerAsync(FaultContext c)
    {
        var stoppedAt = DateTimeOffset.UtcNow;
        var stopped = await StopBrokerAsync(c);
        var started = await StartBrokerAsync(c, stoppedAt);
        return $"{stopped}; {started}; {await ReadyAsync(c, c.Stack.Workers)}; {await ReadyAsync(c, c.Stack.Gateway)}";
    }

    static async Task<string> CrashRestartPostgresAsync(FaultContext c)
    {
        var (before, _) = await c.Stack.PidsAsync(c.CancellationToken);
        var started = DateTimeOffset.UtcNow;
        await c.Stack.CrashRestartPostgresAsync(c.CancellationToken);
        var (after, _) = await c.Stack.PidsAsync(c.CancellationToken);
        if (before == 0 || after == 0 || after == before)
            throw new FaultNotCausedException($"PostgreSQL's postmaster did not change (pid {before} -> {after}).");
        var line = $"PostgreSQL crash-restarted (postmaster {before} -> {after}), accepting connections after {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s";
        c.Log(line);
        return line + "; " + await ReadyAsync(c, c.Stack.Workers);
    }

    static async Task<IReadOnlyList<string>> BrokerOutageAsync(FaultContext c)
    {
        var stoppedAt = DateTimeOffset.UtcNow;
        var evidence = new List<string> { await StopBrokerAsync(c) };
        c.Traffic.StartTwilio();
        await Task.Delay(c.Settings.BrokerOutage, c.CancellationToken);
        await c.Traffic.StopTwilioAsync();
        if (await c.Stack.Broker.IsUpAsync(c.CancellationToken))
            throw new FaultNotCausedException("RabbitMQ answered during the outage.");
        evidence.Add($"Twilio callbacks during the outage: {c.Traffic.Twilio}");
        c.Log(evidence[^1]);
        evidence.Add(await StartBrokerAsync(c, stoppedAt));
        evidence.Add(await ReadyAsync(c, c.Stack.Workers));
        evidence.Add(await ReadyAsync(c, c.Stack.Gateway));
        if (c.Traffic.Twilio.Sent == 0)
            throw new FaultNotCausedException("No Twilio callback was sent during the outage.");
        return evidence;
    }

    static async Task<IReadOnlyList<string>> QuickSuccessionAsync(FaultContext c)
    {
        var evidence = new List<string> { await c.Stack.Workers.KillAsync() };
        c.Log(evidence[^1]);
        c.Stack.Workers.Start();
        var restartedAt = DateTimeOffset.UtcNow;
        c.Log("workers started again");
        var wait = restartedAt + c.Settings.QuickSuccessionGap - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, c.CancellationToken);
        var stoppedAt = DateTimeOffset.UtcNow;
        evidence.Add($"broker restart {(stoppedAt - restartedAt).TotalSeconds:0.0} s after the workers' start");
        evidence.Add(await StopBrokerAsync(c));
        evidence.Add(await StartBrokerAsync(c, stoppedAt));
        evidence.Add(await ReadyAsync(c, c.Stack.Workers));
        evidence.Add(await ReadyAsync(c, c.Stack.Gateway));
        return evidence;
    }

    static async Task<IReadOnlyList<string>> SpooledGatewayKillAsync(FaultContext c)
    {
        var half = c.Settings.SpoolOutage / 2;
        var stoppedAt = DateTimeOffset.UtcNow;
        var evidence = new List<string> { await StopBrokerAsync(c) };
        var atStop = c.Traffic.Interactions.Succeeded;
        c.Traffic.StartTwilio();
        await Task.Delay(half, c.CancellationToken);
        // What got a 2xx while the broker was down can only be in the gateway's spool when the gateway dies.
        var spooled = c.Traffic.Twilio.Succeeded + c.Traffic.Interactions.Succeeded - atStop;
        evidence.Add(await c.Stack.Gateway.KillAsync());
        c.Log(evidence[^1]);
        c.Stack.Gateway.Start();
        // Live, not ready: without the broker the gateway may call itself unready, and the spool is what answers.
        evidence.Add(await ReadyAsync(c, c.Stack.Gateway, "live"));
        await Task.Delay(half, c.CancellationToken);
        await c.Traffic.StopTwilioAsync();
        evidence.Add($"Twilio callbacks during the outage: {c.Traffic.Twilio}; events answered 2xx between the broker stop and the kill (spooled): {spooled:N0}");
        c.Log(evidence[^1]);
        evidence.Add(await StartBrokerAsync(c, stoppedAt));
        evidence.Add(await ReadyAsync(c, c.Stack.Workers));
        evidence.Add(await ReadyAsync(c, c.Stack.Gateway));
        if (c.Traffic.Twilio.Sent == 0)
            throw new FaultNotCausedException("No Twilio callback was sent during the outage.");
        return evidence;
    }

    /// <summary>
    /// A replica taking over a backlog of the largest messages (the spool's drain and big posts make them) must record
    /// it within the memory deploy/k8s gives it: a batch is held in memory whole, and a replica that runs out dies on
    /// every restart, leaving the backlog for a person.
    /// </summary>
    static async Task<IReadOnlyList<string>> FullBacklogAsync(FaultContext c)
    {
        var evidence = new List<string> { await c.Stack.Workers.KillAsync() };
        c.Log(evidence[^1]);
        var bulk = await c.Traffic.PostBulkAsync(c.Settings.FullBacklog, c.CancellationToken);
        var queued = InteractionMessages(await c.Stack.Broker.ExactQueuesAsync(c.CancellationToken));
        var perMessage = bulk.Count / (double)Math.Max(1, queued);
        evidence.Add($"{bulk.Count:N0} interactions accepted in posts of 100 ({c.Traffic.Bulk}): {queued:N0} messages wait in the " +
                     $"workers' queues, {perMessage:0} interactions a message (at most {InteractionBundler.MaxInteractionsPerMessage})");
        c.Log(evidence[^1]);
        // The steady load's single interactions share some of the messages, so not every one is full.
        if (perMessage < InteractionBundler.MaxInteractionsPerMessage / 2.0)
            throw new FaultNotCausedException("The workers' queues did not fill with full messages.");

        c.Stack.Workers.Start();
        var started = DateTimeOffset.UtcNow;
        evidence.Add(await ReadyAsync(c, c.Stack.Workers));
        var pid = c.Stack.Workers.Pid;
        var (lastLog, lastProgress, fewest) = (started, started, long.MaxValue);
        while (await NotRecordedAsync(c, bulk) is var left and not 0)
        {
            var now = DateTimeOffset.UtcNow;
            if (left >= 0 && left < fewest)
                (fewest, lastProgress) = (left, now);
            if (now - lastLog >= TimeSpan.FromSeconds(10))
            {
                lastLog = now;
                c.Log($"draining: {left:N0} of them not yet recorded, the workers' peak memory {c.Stack.Workers.PeakMemoryBytes() / Mebibyte:N0} MiB");
            }
            if (pid is null || c.Stack.Workers.Pid != pid)
                throw new FaultFailedException($"the workers (pid {pid}) exited while recording the backlog; see Workers.log");
            if (now - lastProgress > c.Settings.StallTimeout)
                throw new FaultFailedException($"the workers recorded nothing of the backlog for {c.Settings.StallTimeout.TotalSeconds:0} s, {left:N0} left");
            await Task.Delay(TimeSpan.FromSeconds(1), c.CancellationToken);
        }
        var peak = c.Stack.Workers.PeakMemoryBytes() ?? throw new FaultFailedException("the workers exited after recording the backlog");
        evidence.Add($"the workers (pid {pid}) recorded them in {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s, peak resident memory " +
                     $"{peak / Mebibyte:N0} MiB, limit {c.Stack.WorkersMemoryLimit / Mebibyte:N0} MiB");
        c.Log(evidence[^1]);
        if (peak > c.Stack.WorkersMemoryLimit)
            throw new FaultFailedException($"the workers needed more memory than deploy/k8s gives them: {evidence[^1]}");
        return evidence;
    }

    const long Mebibyte = 1024 * 1024;

    /// <summary>How many of the events have no row yet; -1 while PostgreSQL does not answer.</summary>
    static async Task<int> NotRecordedAsync(FaultContext c, IReadOnlyCollection<EventKey> events)
    {
        try
        {
            var recorded = await Audit.RecordedAsync(c.Database, c.Traffic, c.CancellationToken);
            return events.Count(key => !recorded.Contains(key));
        }
        catch (NpgsqlException)
        {
            return -1;
        }
    }

    /// <summary>Messages in the interactions queue and the four channel queues; -1 while the broker does not answer.</summary>
    static long InteractionMessages(IReadOnlyList<QueueState>? queues) =>
        queues is null ? -1 : queues.Where(q => Broker.InteractionQueues.Contains(q.Name)).Sum(q => q.Messages);

    static async Task<IReadOnlyList<string>> BacklogAsync(FaultContext c)
    {
        var hold = await c.Stack.Broker.HoldAsync(c.CancellationToken);
        c.Log($"the gateway's messages now wait in {hold.HoldQueue}, not {hold.Destination}");
        long held;
        try
        {
            await Task.Delay(c.Settings.Backlog, c.CancellationToken);
        }
        finally
        {
            held = await c.Stack.Broker.ReleaseAsync(hold, CancellationToken.None);
        }
        var line = $"{held:N0} of the gateway's messages held back for {c.Settings.Backlog.TotalSeconds:0} s, then moved into {MessagingTopology.InteractionsQueue}";
        c.Log(line);
        if (held == 0)
            throw new FaultNotCausedException("No message of the gateway was held back: the backlog did not happen.");
        return [line];
    }
}
