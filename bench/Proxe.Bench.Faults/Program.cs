using System.CommandLine;
using Proxe.Bench.Faults;

var all = Fault.All(new FaultSettings { Faults = [] }).Select(f => f.Id).ToList();

var shortForm = new Option<bool>("--short") { Description = "The short form for ./test.sh: every fault once, less load, shorter waits (a few minutes)." };
var faults = new Option<string>("--faults") { Description = $"Comma-separated faults to run, in this order: {string.Join(",", all)}.", DefaultValueFactory = _ => string.Join(",", all) };
var rate = new Option<double?>("--rate") { Description = "Interactions per second posted to /v1/interactions (default 60; --short 20)." };
var clients = new Option<int>("--clients") { Description = "Concurrent HTTP clients.", DefaultValueFactory = _ => 8 };
var twilioRate = new Option<double>("--twilio-rate") { Description = "Twilio status callbacks per second during a broker outage.", DefaultValueFactory = _ => 10 };
var leads = new Option<int?>("--leads") { Description = "Generated customers per fault (default 400; --short 100)." };
var outOfOrder = new Option<double>("--out-of-order") { Description = "Share of interactions that happened before the ones posted earlier.", DefaultValueFactory = _ => 0.05 };
var warmup = new Option<int?>("--warmup") { Description = "Seconds of load before each fault (default 10; --short 3)." };
var settle = new Option<int?>("--settle") { Description = "Seconds of load after each fault's recovery (default 10; --short 3)." };
var outage = new Option<int>("--outage") { Description = "Seconds RabbitMQ stays down in (e) and (g).", DefaultValueFactory = _ => 30 };
var spoolOutage = new Option<int?>("--spool-outage") { Description = "Seconds RabbitMQ stays down around the gateway's kill in (g) (default 30; --short 16)." };
var gap = new Option<int>("--gap") { Description = "(f): seconds between the workers' restart and the broker restart.", DefaultValueFactory = _ => 6 };
var backlog = new Option<int?>("--backlog") { Description = "Seconds the interactions queue's consumers get nothing in 'backlog' (default 60; --short 15)." };
var fullBacklog = new Option<int>("--full-backlog") { Description = "Interactions queued in full messages in 'full'.", DefaultValueFactory = _ => 240_000 };
var drainTimeout = new Option<int?>("--drain-timeout") { Description = "Longest wait, in seconds, for the queues to empty after a fault (default 300; --short 90)." };
var stallTimeout = new Option<int?>("--stall-timeout") { Description = "Stop waiting when nothing moves for this many seconds (default 90; --short 30)." };
var readyTimeout = new Option<int>("--ready-timeout") { Description = "Seconds a restarted service gets to be ready.", DefaultValueFactory = _ => 120 };
var pgPort = new Option<int>("--pg-port") { DefaultValueFactory = _ => 16432, Description = "The fault stack's PostgreSQL port." };
var amqpPort = new Option<int>("--amqp-port") { DefaultValueFactory = _ => 16672, Description = "The fault stack's AMQP port." };
var managementPort = new Option<int>("--management-port") { DefaultValueFactory = _ => 16673, Description = "The fault stack's RabbitMQ management port." };
var distPort = new Option<int>("--dist-port") { DefaultValueFactory = _ => 16674, Description = "The fault stack's Erlang distribution port." };
var gatewayPort = new Option<int>("--gateway-port") { DefaultValueFactory = _ => 16080, Description = "The fault stack's gateway port." };
var workersPort = new Option<int>("--workers-port") { DefaultValueFactory = _ => 16082, Description = "The fault stack's workers port." };
var stack = new Option<string>("--stack") { DefaultValueFactory = _ => "faults", Description = "Name of the stack (data under .proxe/stacks/<name>, own RabbitMQ node)." };
var spoolSetting = new Option<string>("--spool-setting") { DefaultValueFactory = _ => "Proxe:Spool:Directory", Description = "The gateway's configuration key for its spool folder." };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 20_261_202, Description = "Seed of the generated workloads." };

var root = new RootCommand("PROXe fault tests: runs its own PostgreSQL, RabbitMQ, gateway and workers, causes each fault under load and " +
                           "accounts for every accepted event. Exit 0 only when every figure that must be zero is zero.")
{
    shortForm, faults, rate, clients, twilioRate, leads, outOfOrder, warmup, settle, outage, spoolOutage, gap, backlog, fullBacklog, drainTimeout,
    stallTimeout, readyTimeout, pgPort, amqpPort, managementPort, distPort, gatewayPort, workersPort, stack, spoolSetting, seed,
};

root.SetAction(async (parse, cancellationToken) =>
{
    var isShort = parse.GetValue(shortForm);
    var chosen = parse.GetValue(faults)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    string? usage = null;
    if (chosen.Length == 0 || chosen.Any(f => !all.Contains(f)))
        usage = $"--faults takes a comma-separated list of {string.Join(", ", all)}.";
    else if (parse.GetValue(clients) < 1 || (parse.GetValue(rate) ?? 1) <= 0 || parse.GetValue(twilioRate) <= 0)
        usage = "--clients, --rate and --twilio-rate must be positive.";
    else if (parse.GetValue(outOfOrder) is < 0 or > 0.5)
        usage = "--out-of-order must be in [0, 0.5].";
    if (usage is not null)
    {
        await Console.Error.WriteLineAsync(usage);
        return 2;
    }

    TimeSpan Seconds(Option<int?> option, int longForm, int shortValue) => TimeSpan.FromSeconds(parse.GetValue(option) ?? (isShort ? shortValue : longForm));
    var settings = new FaultSettings
    {
        Faults = chosen,
        Rate = parse.GetValue(rate) ?? (isShort ? 20 : 60),
        Clients = parse.GetValue(clients),
        TwilioRate = parse.GetValue(twilioRate),
        LeadsPerFault = parse.GetValue(leads) ?? (isShort ? 100 : 400),
        OutOfOrder = parse.GetValue(outOfOrder),
        Warmup = Seconds(warmup, 10, 3),
        Settle = Seconds(settle, 10, 3),
        BrokerOutage = TimeSpan.FromSeconds(parse.GetValue(outage)),
        SpoolOutage = Seconds(spoolOutage, 30, 16),
        QuickSuccessionGap = TimeSpan.FromSeconds(parse.GetValue(gap)),
        Backlog = Seconds(backlog, 60, 15),
        FullBacklog = parse.GetValue(fullBacklog),
        DrainTimeout = Seconds(drainTimeout, 300, 90),
        StallTimeout = Seconds(stallTimeout, 90, 30),
        ReadyTimeout = TimeSpan.FromSeconds(parse.GetValue(readyTimeout)),
        PostgresPort = parse.GetValue(pgPort),
        AmqpPort = parse.GetValue(amqpPort),
        ManagementPort = parse.GetValue(managementPort),
        DistributionPort = parse.GetValue(distPort),
        GatewayPort = parse.GetValue(gatewayPort),
        WorkersPort = parse.GetValue(workersPort),
        StackName = parse.GetValue(stack)!,
        SpoolSetting = parse.GetValue(spoolSetting)!,
        Seed = parse.GetValue(seed),
    };
    Console.WriteLine($"[faults] {(isShort ? "short" : "long")} form: faults {string.Join(",", chosen)}; {settings.Rate:0} interactions/s, " +
                      $"{settings.OutOfOrder:P0} out of order, outage {settings.BrokerOutage.TotalSeconds:0} s, backlog {settings.Backlog.TotalSeconds:0} s");
    try
    {
        return await FaultRun.RunAsync(settings, cancellationToken);
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        await Console.Error.WriteLineAsync("[faults] interrupted; the fault stack was stopped");
        return 130;
    }
});

// Ctrl+C cancels the run; the default 2 s before the process is ended would cut the stack's stop short.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(2) });
