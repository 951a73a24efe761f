using System.CommandLine;
using Proxe.Bench.Load;
using Proxe.Bench.Workload;
using Proxe.Contracts;

var gateway = new Option<string>("--gateway") { Description = "The gateway's base URL.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
var key = new Option<string?>("--key") { Description = "The brand's X-Proxe-Key (default: $PROXE_DEMO_API_KEY).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PROXE_DEMO_API_KEY") };
var brand = new Option<string>("--brand") { Description = "The brand the key belongs to; used to count rows.", DefaultValueFactory = _ => "demo" };
var interactions = new Option<int>("--interactions") { Description = "Interactions to post, repeats included.", DefaultValueFactory = _ => 20_000 };
var concurrency = new Option<int>("--concurrency") { Description = "Posts in flight at once.", DefaultValueFactory = _ => 32 };
var batch = new Option<int>("--batch") { Description = "Interactions per post (1-100).", DefaultValueFactory = _ => 1 };
var leads = new Option<int>("--leads") { Description = "Distinct customers.", DefaultValueFactory = _ => 2_000 };
var channels = new Option<string>("--channels") { Description = "Comma-separated channels the leads use.", DefaultValueFactory = _ => string.Join(",", Channels.All) };
var repeats = new Option<double>("--repeats") { Description = "Share of posts that repeat an earlier one (redeliveries).", DefaultValueFactory = _ => 0.05 };
var seed = new Option<int>("--seed") { Description = "Seed of the generated workload.", DefaultValueFactory = _ => 20_261_126 };
var db = new Option<string?>("--db") { Description = "Npgsql connection string of the PROXe database; without it only the gateway is measured." };
var stall = new Option<int>("--stall-timeout") { Description = "Seconds without new rows after which waiting for PostgreSQL stops.", DefaultValueFactory = _ => 120 };

var root = new RootCommand("PROXe load generator: posts interactions to the gateway, then waits until PostgreSQL has recorded them all.")
{
    gateway, key, brand, interactions, concurrency, batch, leads, channels, repeats, seed, db, stall,
};

root.SetAction(async (parse, cancellationToken) =>
{
    var apiKey = parse.GetValue(key);
    var channelList = parse.GetValue(channels)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    string? usage = null;
    var gatewayUri = Uri.TryCreate(parse.GetValue(gateway), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
    if (gatewayUri is null)
        usage = "--gateway must be an http(s) URL, e.g. http://127.0.0.1:5080.";
    else if (string.IsNullOrWhiteSpace(apiKey))
        usage = "No key: pass --key or set PROXE_DEMO_API_KEY (. .proxe/local.env after ./run.sh).";
    else if (parse.GetValue(batch) is < 1 or > Proxe.Gateway.Interactions.InteractionMapper.MaxBatch)
        usage = $"--batch must be between 1 and {Proxe.Gateway.Interactions.InteractionMapper.MaxBatch}.";
    else if (parse.GetValue(concurrency) < 1 || parse.GetValue(interactions) < 1)
        usage = "--concurrency and --interactions must be at least 1.";
    else if (parse.GetValue(leads) is < 1 or >= BenchRun.MaxLeads)
        usage = $"--leads must be between 1 and {BenchRun.MaxLeads - 1}.";
    else if (channelList.Length == 0 || channelList.Any(channel => !Channels.IsKnown(channel)))
        usage = $"--channels takes a comma-separated list of {string.Join(", ", Channels.All)}.";
    else if (parse.GetValue(repeats) is < 0 or >= 1)
        usage = "--repeats must be in [0, 1).";
    if (usage is not null || gatewayUri is null)
    {
        await Console.Error.WriteLineAsync(usage);
        return 2;
    }

    var settings = new LoadSettings(gatewayUri, apiKey!, parse.GetValue(brand)!, parse.GetValue(concurrency), parse.GetValue(batch),
        parse.GetValue(db), TimeSpan.FromSeconds(parse.GetValue(stall)),
        new WorkloadOptions
        {
            Interactions = parse.GetValue(interactions),
            Leads = parse.GetValue(leads),
            Channels = channelList,
            RepeatRatio = parse.GetValue(repeats),
            Seed = parse.GetValue(seed),
        });
    return await LoadTest.RunAsync(settings, cancellationToken);
});

return await root.Parse(args).InvokeAsync();
