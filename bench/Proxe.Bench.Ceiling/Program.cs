using System.CommandLine;
using Npgsql;
using Proxe.Bench.Ceiling;
using Proxe.Bench.Workload;
using Proxe.Contracts;

var db = new Option<string>("--db")
{
    Description = "Npgsql connection string of a superuser (creates and drops proxe_bench_* databases). Default: $PROXE_TEST_POSTGRES.",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PROXE_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres",
};
var interactions = new Option<int>("--interactions") { Description = "Interactions per measurement, repeats included.", DefaultValueFactory = _ => 10_000 };
var leads = new Option<int>("--leads") { Description = "Distinct customers.", DefaultValueFactory = _ => 1_000 };
var channels = new Option<string>("--channels") { Description = "Comma-separated channels the leads use.", DefaultValueFactory = _ => string.Join(",", Channels.All) };
var repeats = new Option<double>("--repeats") { Description = "Share of redelivered interactions.", DefaultValueFactory = _ => 0.05 };
var seed = new Option<int>("--seed") { Description = "Seed of the generated workload.", DefaultValueFactory = _ => 20_261_126 };
var concurrency = new Option<string>("--concurrency") { Description = "Comma-separated connection counts to measure.", DefaultValueFactory = _ => "1,4,16,32" };
var batch = new Option<string>("--batch")
{
    Description = "Comma-separated batch sizes to measure: consecutive interactions of one channel recorded in one transaction (the workers' Proxe:Workers:TransactionInteractionLimit; 1 = one interaction per transaction).",
    DefaultValueFactory = _ => "1,100",
};
var journey = new Option<string>("--journey")
{
    Description = "without: the channel transaction only; with: plus the LeadJourney saga's transaction (all the pipeline's database work); both.",
    DefaultValueFactory = _ => "both",
};
journey.AcceptOnlyFromAmong("without", "with", "both");
var npgsql = new Option<string?>("--npgsql")
{
    Description = "Extra Npgsql settings for the workload's connections, e.g. \"Max Auto Prepare=64\" (the workers' deployment sets none).",
};
var keep = new Option<bool>("--keep") { Description = "Keep the proxe_bench_* databases instead of dropping them." };

var root = new RootCommand("PROXe database ceiling: the workers' batched transactions run straight against PostgreSQL from N connections, no broker, no HTTP.")
{
    db, interactions, leads, channels, repeats, seed, concurrency, batch, journey, npgsql, keep,
};

root.SetAction(async (parse, cancellationToken) =>
{
    var channelList = parse.GetValue(channels)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    var levels = parse.GetValue(concurrency)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(level => int.TryParse(level, out var n) ? n : 0).ToList();
    var batchSizes = parse.GetValue(batch)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(size => int.TryParse(size, out var n) ? n : 0).ToList();
    if (levels.Count == 0 || levels.Any(level => level is < 1 or > 100) || batchSizes.Count == 0 || batchSizes.Any(size => size is < 1 or > 1000)
        || parse.GetValue(interactions) < 1 || parse.GetValue(leads) is < 1 or >= BenchRun.MaxLeads
        || channelList.Length == 0 || channelList.Any(channel => !Channels.IsKnown(channel)) || parse.GetValue(repeats) is < 0 or >= 1)
    {
        await Console.Error.WriteLineAsync("Bad arguments: --concurrency 1..100 each, --batch 1..1000 each, --interactions >= 1, --leads 1..99999, " +
                                           $"--channels among {string.Join(",", Channels.All)}, --repeats in [0, 1). See --help.");
        return 2;
    }

    var settings = new CeilingSettings(parse.GetValue(db)!, levels, parse.GetValue(journey) switch
    {
        "without" => [false],
        "with" => [true],
        _ => [false, true],
    }, batchSizes, parse.GetValue(npgsql), parse.GetValue(keep), new WorkloadOptions
    {
        Interactions = parse.GetValue(interactions),
        Leads = parse.GetValue(leads),
        Channels = channelList,
        RepeatRatio = parse.GetValue(repeats),
        Seed = parse.GetValue(seed),
    });

    try
    {
        return await CeilingBenchmark.RunAsync(settings, cancellationToken);
    }
    catch (NpgsqlException ex) when (ex is not PostgresException)
    {
        await Console.Error.WriteLineAsync($"Cannot reach PostgreSQL with --db: {ex.Message}");
        return 2;
    }
});

return await root.Parse(args).InvokeAsync();
