using Npgsql;
using Proxe.Messaging;

namespace Proxe.Bench.Faults;

public sealed record FaultResult(
    Fault Fault, string? NotCaused, string? Failed, IReadOnlyList<string> Evidence, AuditResult Audit, AnswerCounts Interactions, AnswerCounts Twilio,
    int Lost, int Late, IReadOnlyList<QueueState> LateQueues, long NewDeadLettered, IReadOnlyList<string> WithoutConsumer, string WaitOutcome)
{
    /// <summary>Every reason the fault did not pass; empty means it passed.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            var failures = new List<string>();
            if (NotCaused is not null)
                failures.Add($"fault not caused: {NotCaused}");
            if (Failed is not null)
                failures.Add(Failed);
            if (Audit.Accepted == 0)
                failures.Add("nothing was accepted, so nothing was tested");
            if (Lost > 0)
                failures.Add($"{Lost:N0} accepted events lost (queues empty, row missing" +
                             (NewDeadLettered > 0 ? $"; {NewDeadLettered:N0} new messages sit in _error queues, for a person to replay)" : ")"));
            if (Late > 0)
                failures.Add($"{Late:N0} accepted events late (still queued: {string.Join(", ", LateQueues.Select(q => $"{q.Name} {q.Messages:N0} messages, {q.Consumers} consumers"))})");
            if (NewDeadLettered > 0)
                failures.Add($"{NewDeadLettered:N0} new messages in _error/_skipped queues");
            if (Audit.DuplicateLeads > 0)
                failures.Add($"{Audit.DuplicateLeads:N0} customers split over several leads");
            if (Audit.SessionCounterMismatches > 0)
                failures.Add($"{Audit.SessionCounterMismatches:N0} session counters disagree with messages");
            if (Audit.JourneyCounterMismatches > 0)
                failures.Add($"{Audit.JourneyCounterMismatches:N0} journey counters disagree with messages");
            if (Audit.WrongFirstTouchpoints > 0)
                failures.Add($"{Audit.WrongFirstTouchpoints:N0} leads whose first_touchpoint is not their earliest interaction's channel");
            if (Audit.WrongLastTouchpoints > 0)
                failures.Add($"{Audit.WrongLastTouchpoints:N0} leads whose last_touchpoint is not their latest interaction's channel");
            if (Audit.WrongJourneys > 0)
                failures.Add($"{Audit.WrongJourneys:N0} leads whose channel first times, journey column or details disagree with their messages and sessions, or first times left noted");
            if (WithoutConsumer.Count > 0)
                failures.Add($"endpoints without consumer: {string.Join(", ", WithoutConsumer)}");
            if (Fault.WebhooksMustSucceed)
            {
                if (Twilio.Sent == 0)
                    failures.Add("no Twilio callback was sent during the outage");
                if (Twilio.RefusedTotal > 0)
                    failures.Add($"Twilio callbacks refused during the broker outage: {Twilio}");
                // In (g) the gateway is dead for a moment: a refused connection there is the kill, not an answer.
                if (Fault.Id == "e" && Twilio.Unanswered > 0)
                    failures.Add($"{Twilio.Unanswered:N0} Twilio callbacks got no answer");
            }
            if (Fault.Id == "backlog" && Audit.ReorderedLeads == 0)
                failures.Add("no lead's interactions arrived out of provider order across channels: the backlog proved nothing");
            return failures;
        }
    }
}

/// <summary>Runs the faults one after the other on the fault stack and reports each one's accounting.</summary>
public static class FaultRun
{
    public static async Task<int> RunAsync(FaultSettings settings, CancellationToken cancellationToken)
    {
        var faults = Fault.All(settings).Where(f => settings.Faults.Contains(f.Id)).ToList();
        var results = new List<FaultResult>();
        IReadOnlyList<string> missingMetrics = [];
        string? broken = null;
        await using (var stack = new FaultStack(settings))
        {
            try
            {
                await stack.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException or HttpRequestException)
            {
                await Console.Error.WriteLineAsync($"[faults] the fault stack did not start: {ex.Message}");
                return 2;
            }

            await using var database = NpgsqlDataSource.Create(stack.AdminConnectionString);
            for (var i = 0; i < faults.Count; i++)
            {
                try
                {
                    await RepairAsync(stack, settings, cancellationToken);
                    var result = await RunFaultAsync(stack, database, settings, faults[i], settings.Seed + i, cancellationToken);
                    results.Add(result);
                    Print(result);
                }
                catch (InvalidOperationException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // A service that dies on every start (out of memory on its backlog, say) leaves nothing to measure.
                    broken = $"({faults[i].Id}) left the stack broken: {ex.Message}";
                    Console.WriteLine($"[faults] FAIL: {broken}");
                    break;
                }
            }

            if (broken is null)
                missingMetrics = await MetricsCheck.MissingAsync(settings, cancellationToken);
        }

        PrintSummary(results);
        if (broken is not null)
        {
            Console.WriteLine($"[faults] FAIL: {broken}; the faults after it did not run");
            return 1;
        }
        Console.WriteLine(missingMetrics.Count == 0
            ? "[faults] metrics: every series the alerts need is on the workers' and the gateway's /metrics"
            : $"[faults] FAIL: metrics missing: {string.Join(", ", missingMetrics)}");
        var failed = results.Where(r => r.Failures.Count > 0).Select(r => r.Fault.Id).ToList();
        Console.WriteLine(failed.Count == 0
            ? $"[faults] PASS: all {results.Count} faults ended with every figure at zero"
            : $"[faults] FAIL: {failed.Count} of {results.Count} faults failed: {string.Join(", ", failed)}");
        return failed.Count == 0 && results.Count > 0 && missingMetrics.Count == 0 ? 0 : 1;
    }

    static async Task<FaultResult> RunFaultAsync(FaultStack stack, NpgsqlDataSource database, FaultSettings settings, Fault fault, int seed,
        CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine($"[faults] ({fault.Id}) {fault.Title}");
        var deadBefore = Broker.DeadLettered(await QueuesAsync(stack, cancellationToken));
        var expectedSeconds = (int)(settings.Warmup + settings.Settle).TotalSeconds + fault.ExpectedSeconds + 60;
        await using var traffic = new Traffic(stack, settings, seed, expectedSeconds, fault.Bulk);
        var context = new FaultContext(stack, database, traffic, settings, cancellationToken);
        context.Log($"load: {settings.Rate:0}/s from {settings.Clients} clients, run {traffic.Run.Id}, {traffic.Leads} customers; " +
                    $"{settings.Warmup.TotalSeconds:0} s before the fault");
        traffic.Start();
        await Task.Delay(settings.Warmup, cancellationToken);

        string? notCaused = null, failed = null;
        IReadOnlyList<string> evidence = [];
        try
        {
            evidence = await fault.InjectAsync(context);
        }
        catch (FaultNotCausedException ex)
        {
            notCaused = ex.Message;
        }
        catch (FaultFailedException ex)
        {
            failed = ex.Message;
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            notCaused = $"the fault step failed: {ex.Message}";
        }
        finally
        {
            await RepairAsync(stack, settings, cancellationToken, onlyProcesses: true);
        }

        context.Log($"load goes on for {settings.Settle.TotalSeconds:0} s");
        await Task.Delay(settings.Settle, cancellationToken);
        await traffic.StopAsync();
        context.Log($"load stopped: /v1/interactions {traffic.Interactions}" + (traffic.Twilio.Sent > 0 ? $"; Twilio {traffic.Twilio}" : "") +
                    (traffic.Exhausted ? " (the generated workload ran out)" : ""));

        var (queues, outcome) = await WaitForQueuesAsync(stack, database, traffic, settings, context);
        var audit = await Audit.RunAsync(database, traffic, cancellationToken);
        var late = 0;
        var lateQueues = new List<QueueState>();
        foreach (var (channel, missing) in audit.Missing)
        {
            // A channel's interactions wait in the interactions queue or, alone, in the channel's own.
            var waiting = queues.Where(q => q.Messages > 0 && (q.Name == MessagingTopology.InteractionsQueue || q.Name == MessagingTopology.QueueFor(channel))).ToList();
            if (waiting.Count > 0)
            {
                late += missing;
                lateQueues.AddRange(waiting.Where(queue => !lateQueues.Contains(queue)));
            }
        }
        var withoutConsumer = Broker.EndpointQueues
            .Where(name => queues.FirstOrDefault(q => q.Name == name) is not { Consumers: > 0 })
            .ToList();
        return new FaultResult(fault, notCaused, failed, evidence, audit, traffic.Interactions, traffic.Twilio,
            audit.Missing.Values.Sum() - late, late, lateQueues, Broker.DeadLettered(queues) - deadBefore, withoutConsumer, outcome);
    }

    /// <summary>
    /// Waits until every accepted event is a row, the endpoints' queues are empty and each has a consumer; stops early when the queues are
    /// empty but rows are missing (lost), or when nothing moves for the stall timeout (late), or at the drain timeout.
    /// </summary>
    static async Task<(IReadOnlyList<QueueState> Queues, string Outcome)> WaitForQueuesAsync(
        FaultStack stack, NpgsqlDataSource database, Traffic traffic, FaultSettings settings, FaultContext context)
    {
        var cancellationToken = context.CancellationToken;
        var started = DateTimeOffset.UtcNow;
        var lastProgress = started;
        DateTimeOffset? emptySince = null, doneSince = null;
        long lastPending = -1;
        var lastConsumers = -1;
        int lastRecorded = -1;
        var lastPrint = DateTimeOffset.MinValue;
        while (true)
        {
            var queues = await stack.Broker.ExactQueuesAsync(cancellationToken);
            HashSet<EventKey>? recorded = null;
            try
            {
                recorded = await Audit.RecordedAsync(database, traffic, cancellationToken);
            }
            catch (NpgsqlException)
            {
            }
            var now = DateTimeOffset.UtcNow;
            var missing = recorded is null ? -1 : traffic.Accepted.Keys.Count(key => !recorded.Contains(key));
            var pending = queues is null ? -1 : Broker.Pending(queues);
            if (now - lastPrint >= TimeSpan.FromSeconds(5))
            {
                lastPrint = now;
                var busy = queues is null ? "broker not answering" : string.Join(", ", queues.Where(q => !q.IsDeadLetter && q.Messages > 0)
                    .Select(q => $"{q.Name} {q.Messages:N0} ({q.Consumers} consumers)"));
                context.Log($"waiting: {(missing < 0 ? "?" : missing.ToString("N0"))} accepted not yet recorded; queued: {(busy.Length == 0 ? "none" : busy)}");
            }

            // Every endpoint must be consuming again too ("ends with every receive endpoint consuming"). Held for longer
            // than the management API's 5 s statistics interval, so unacknowledged messages show too.
            var consumers = queues is null ? -1 : queues.Sum(q => q.Consumers);
            if (queues is not null && missing == 0 && pending == 0
                && Broker.EndpointQueues.All(name => queues.Any(q => q.Name == name && q.Consumers > 0)))
            {
                doneSince ??= now;
                if (now - doneSince >= TimeSpan.FromSeconds(6))
                    return (queues, $"all recorded, queues empty, every endpoint consuming after {(now - started).TotalSeconds:0} s");
            }
            else
            {
                doneSince = null;
            }
            if (queues is not null && pending == 0 && missing > 0)
            {
                emptySince ??= now;
                if (now - emptySince > TimeSpan.FromSeconds(10))
                    return (queues, $"queues empty for 10 s with {missing:N0} rows missing");
            }
            else
            {
                emptySince = null;
            }
            if (pending != lastPending || (recorded?.Count ?? -1) != lastRecorded || consumers != lastConsumers)
                lastProgress = now;
            lastPending = pending;
            lastConsumers = consumers;
            lastRecorded = recorded?.Count ?? -1;
            if (queues is not null && now - lastProgress > settings.StallTimeout)
                return (queues, $"nothing moved for {settings.StallTimeout.TotalSeconds:0} s");
            if (queues is not null && now - started > settings.DrainTimeout)
                return (queues, $"drain timeout ({settings.DrainTimeout.TotalSeconds:0} s)");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    static async Task<IReadOnlyList<QueueState>> QueuesAsync(FaultStack stack, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await stack.Broker.ExactQueuesAsync(cancellationToken) is { } queues)
                return queues;
            if (attempt == 60)
                throw new InvalidOperationException("RabbitMQ's management API does not answer.");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    /// <summary>
    /// Puts the stack back after a fault (a step that failed half-way may leave the broker down or a process dead),
    /// and before the next one restarts workers whose endpoints lost their consumers, so one fault's damage is not
    /// counted against the next. Every repair is printed: none of it is hidden from the figures already reported.
    /// </summary>
    static async Task RepairAsync(FaultStack stack, FaultSettings settings, CancellationToken cancellationToken, bool onlyProcesses = false)
    {
        var (postgres, rabbitMq) = await stack.PidsAsync(cancellationToken);
        if (rabbitMq == 0)
        {
            Console.WriteLine("[faults]   repair: RabbitMQ is down; starting it");
            await stack.StartRabbitMqAsync(cancellationToken);
        }
        if (postgres == 0)
            throw new InvalidOperationException("PostgreSQL of the fault stack is not running.");
        foreach (var service in new[] { stack.Workers, stack.Gateway })
            if (service.Pid is null)
            {
                Console.WriteLine($"[faults]   repair: {service.Name} is not running; starting it");
                service.Start();
                await service.WaitHealthyAsync("live", settings.ReadyTimeout, cancellationToken);
            }
        if (onlyProcesses)
            return;

        var queues = await QueuesAsync(stack, cancellationToken);
        var without = Broker.EndpointQueues.Where(name => queues.FirstOrDefault(q => q.Name == name) is not { Consumers: > 0 }).ToList();
        if (without.Count > 0)
        {
            Console.WriteLine($"[faults]   repair: no consumer on {string.Join(", ", without)}; restarting the workers");
            await stack.Workers.KillAsync();
            stack.Workers.Start();
        }
        if (!await stack.Workers.WaitHealthyAsync("ready", settings.ReadyTimeout, cancellationToken))
            Console.WriteLine("[faults]   repair: the workers are not ready");
        if (!await stack.Gateway.WaitHealthyAsync("ready", settings.ReadyTimeout, cancellationToken))
            Console.WriteLine("[faults]   repair: the gateway is not ready");
    }

    static void Print(FaultResult r)
    {
        var a = r.Audit;
        Console.WriteLine($"[faults] ({r.Fault.Id}) {r.WaitOutcome}");
        Console.WriteLine($"  accepted {a.Accepted:N0}  recorded {a.Recorded:N0}  lost {r.Lost:N0}  late {r.Late:N0}  new _error {r.NewDeadLettered:N0}  " +
                          $"duplicate leads {a.DuplicateLeads:N0}  counter mismatches {a.SessionCounterMismatches:N0} (journey {a.JourneyCounterMismatches:N0})  " +
                          $"wrong first_touchpoint {a.WrongFirstTouchpoints:N0}  wrong last_touchpoint {a.WrongLastTouchpoints:N0}  wrong journey column {a.WrongJourneys:N0}  " +
                          $"endpoints without consumer {(r.WithoutConsumer.Count == 0 ? "none" : string.Join(",", r.WithoutConsumer))}");
        Console.WriteLine($"  /v1/interactions: {r.Interactions}" + (r.Twilio.Sent > 0 ? $"   Twilio callbacks: {r.Twilio}" : "") +
                          $"   leads {a.Leads:N0}, {a.ReorderedLeads:N0} of them first reached the database on a later channel");
        foreach (var example in a.Examples.Take(8))
            Console.WriteLine($"  e.g. {example}");
        var failures = r.Failures;
        Console.WriteLine(failures.Count == 0 ? $"[faults] ({r.Fault.Id}) PASS" : $"[faults] ({r.Fault.Id}) FAIL: {string.Join("; ", failures)}");
    }

    static void PrintSummary(IReadOnlyList<FaultResult> results)
    {
        Console.WriteLine();
        Console.WriteLine("[faults] summary (every figure after 'recorded' must be 0; webhooks: Twilio callbacks refused during a broker outage)");
        Console.WriteLine($"  {"fault",-8} {"accepted",9} {"recorded",9} {"lost",6} {"late",6} {"_error",7} {"dup",5} {"counters",9} {"journey",8} {"first_tp",9} {"last_tp",8} {"firsts",7} {"no_cons",8} {"webhooks",9}  result");
        foreach (var r in results)
        {
            var a = r.Audit;
            var webhooks = r.Fault.WebhooksMustSucceed ? (r.Twilio.RefusedTotal + (r.Fault.Id == "e" ? r.Twilio.Unanswered : 0)).ToString("N0") : "-";
            Console.WriteLine($"  {r.Fault.Id,-8} {a.Accepted,9:N0} {a.Recorded,9:N0} {r.Lost,6:N0} {r.Late,6:N0} {r.NewDeadLettered,7:N0} {a.DuplicateLeads,5:N0} " +
                              $"{a.SessionCounterMismatches,9:N0} {a.JourneyCounterMismatches,8:N0} {a.WrongFirstTouchpoints,9:N0} {a.WrongLastTouchpoints,8:N0} " +
                              $"{a.WrongJourneys,7:N0} {r.WithoutConsumer.Count,8} {webhooks,9}  {(r.Failures.Count == 0 ? "pass" : r.NotCaused is not null ? "FAIL (fault not caused)" : "FAIL")}");
        }
    }
}
