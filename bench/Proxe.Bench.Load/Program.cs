using System.CommandLine;
using Proxe.Bench.Load;
using Proxe.Bench.Workload;
using Proxe.Contracts;

static string? Env(string name) => Environment.GetEnvironmentVariable(name);

var gateway = new Option<string>("--gateway") { Description = "The gateway's base URL.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
var key = new Option<string?>("--key") { Description = "The brand's X-Proxe-Key (default: $PROXE_DEMO_API_KEY)." };
var brand = new Option<string>("--brand") { Description = "The brand the key belongs to; used to count rows.", DefaultValueFactory = _ => "demo" };
var interactions = new Option<int>("--interactions") { Description = "Interactions to post per measured pass, repeats included.", DefaultValueFactory = _ => 20_000 };
var concurrency = new Option<int>("--concurrency") { Description = "Posts in flight at once (flat out), at most (fixed rate).", DefaultValueFactory = _ => 32 };
var batch = new Option<int>("--batch") { Description = "Interactions per post to /v1/interactions (1-100); provider webhooks carry one each.", DefaultValueFactory = _ => 1 };
var leads = new Option<int>("--leads") { Description = "Distinct customers.", DefaultValueFactory = _ => 2_000 };
var channels = new Option<string>("--channels") { Description = "Comma-separated channels the leads use.", DefaultValueFactory = _ => string.Join(",", Channels.All) };
var repeats = new Option<double>("--repeats") { Description = "Share of posts that repeat an earlier one (redeliveries).", DefaultValueFactory = _ => 0.05 };
var outOfOrder = new Option<double>("--out-of-order") { Description = "Share of interactions delivered after the same lead's next one.", DefaultValueFactory = _ => 0.05 };
var seed = new Option<int>("--seed") { Description = "Seed of the generated workload.", DefaultValueFactory = _ => 20_261_126 };
var db = new Option<string?>("--db") { Description = "Npgsql connection string of the PROXe database (a superuser); without it only the gateway is measured." };
var stall = new Option<int>("--stall-timeout") { Description = "Seconds without new rows after which waiting for PostgreSQL stops.", DefaultValueFactory = _ => 120 };
var rate = new Option<string>("--rate") { Description = "max (flat out), N or N/s (interactions per second, open loop), or half: flat out, then at half its end-to-end rate.", DefaultValueFactory = _ => "max" };
var format = new Option<string>("--format") { Description = "interactions (POST /v1/interactions), providers (signed WhatsApp, Meta, Twilio and web widget webhooks), or both: interactions,providers.", DefaultValueFactory = _ => "interactions" };
var warmup = new Option<int>("--warmup") { Description = "Interactions posted flat out in each format before the measured passes (not reported); 0: none.", DefaultValueFactory = _ => 2_000 };
var ceiling = new Option<string>("--ceiling") { Description = "pgbench: run bench/pgbench-ceiling/pgbench-ceiling.sh against the --db server first and again before and after each format's passes, and print each flat-out pass's ratio to the mean of the two around it; none: skip.", DefaultValueFactory = _ => "pgbench" };
var ceilingScript = new Option<string?>("--ceiling-script") { Description = "Path of pgbench-ceiling.sh (default: found in the checkout)." };
var ceilingSeconds = new Option<int>("--ceiling-seconds") { Description = "Seconds pgbench runs for each of its two figures.", DefaultValueFactory = _ => 20 };
var workersUrl = new Option<string?>("--workers") { Description = "The workers' base URL, to find their process for CPU accounting (default: gateway port + 2, as ./run.sh)." };
var amqpPort = new Option<int>("--amqp-port") { Description = "RabbitMQ's AMQP port, to find its process for CPU accounting.", DefaultValueFactory = _ => int.TryParse(Env("PROXE_AMQP_PORT"), out var p) ? p : 5672 };
var webSecret = new Option<string?>("--web-secret") { Description = "The brand's web widget secret (default: $PROXE_DEMO_WEB_SECRET)." };
var whatsAppSecret = new Option<string?>("--whatsapp-secret") { Description = "The WhatsApp app secret (default: $PROXE_DEMO_WHATSAPP_APP_SECRET)." };
var metaSecret = new Option<string?>("--meta-secret") { Description = "The Meta app secret (default: $PROXE_DEMO_META_APP_SECRET)." };
var twilioToken = new Option<string?>("--twilio-token") { Description = "The Twilio auth token (default: $PROXE_DEMO_TWILIO_AUTH_TOKEN)." };

var root = new RootCommand("PROXe load benchmark: the pgbench ceiling, then the gateway -> RabbitMQ -> workers -> PostgreSQL pipeline, flat out and/or at a fixed rate, in one invocation.")
{
    gateway, key, brand, interactions, concurrency, batch, leads, channels, repeats, outOfOrder, seed, db, stall, rate, format, warmup,
    ceiling, ceilingScript, ceilingSeconds, workersUrl, amqpPort, webSecret, whatsAppSecret, metaSecret, twilioToken,
};

root.SetAction(async (parse, cancellationToken) =>
{
    // Secrets come from the environment without being defaults, so --help never prints them.
    var apiKey = parse.GetValue(key) ?? Env("PROXE_DEMO_API_KEY");
    var channelList = parse.GetValue(channels)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    var ratePlan = RatePlan.Parse(parse.GetValue(rate));
    var formats = parse.GetValue(format)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(f => Enum.TryParse<WorkloadFormat>(f, ignoreCase: true, out var parsed) ? parsed : (WorkloadFormat?)null).ToList();
    var script = parse.GetValue(ceiling) == "pgbench" ? parse.GetValue(ceilingScript) ?? PgbenchCeiling.FindScript() : null;
    string? usage = null;
    var gatewayUri = Uri.TryCreate(parse.GetValue(gateway), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
    Uri? workersUri = null;
    if (gatewayUri is null)
        usage = "--gateway must be an http(s) URL, e.g. http://127.0.0.1:5080.";
    else if (parse.GetValue(workersUrl) is { } w && !Uri.TryCreate(w, UriKind.Absolute, out workersUri))
        usage = "--workers must be an http(s) URL, e.g. http://127.0.0.1:5082.";
    else if (string.IsNullOrWhiteSpace(apiKey))
        usage = "No key: pass --key or set PROXE_DEMO_API_KEY (. .proxe/local.env after ./run.sh).";
    else if (parse.GetValue(batch) is < 1 or > Proxe.Gateway.Interactions.InteractionMapper.MaxBatch)
        usage = $"--batch must be between 1 and {Proxe.Gateway.Interactions.InteractionMapper.MaxBatch}.";
    else if (parse.GetValue(concurrency) < 1 || parse.GetValue(interactions) < 1 || parse.GetValue(warmup) < 0)
        usage = "--concurrency and --interactions must be at least 1, --warmup at least 0.";
    else if (parse.GetValue(leads) is < 1 or >= BenchRun.MaxLeads)
        usage = $"--leads must be between 1 and {BenchRun.MaxLeads - 1}.";
    else if (channelList.Length == 0 || channelList.Any(channel => !Channels.IsKnown(channel)))
        usage = $"--channels takes a comma-separated list of {string.Join(", ", Channels.All)}.";
    else if (parse.GetValue(repeats) is < 0 or >= 1 || parse.GetValue(outOfOrder) is < 0 or >= 1)
        usage = "--repeats and --out-of-order must be in [0, 1).";
    else if (formats.Count == 0 || formats.Any(f => f is null))
        usage = "--format takes interactions, providers, or interactions,providers.";
    else if (ratePlan is null)
        usage = "--rate takes max, half, or a positive number of interactions per second (500 or 500/s).";
    else if (parse.GetValue(ceiling) is not ("pgbench" or "none"))
        usage = "--ceiling takes pgbench or none.";
    else if (parse.GetValue(ceiling) == "pgbench" && parse.GetValue(db) is not null && script is null)
        usage = "--ceiling pgbench: bench/pgbench-ceiling/pgbench-ceiling.sh not found; run from the checkout, pass --ceiling-script, or --ceiling none.";
    if (usage is not null || gatewayUri is null || ratePlan is null)
    {
        await Console.Error.WriteLineAsync(usage);
        return 2;
    }

    var database = parse.GetValue(db);
    int? postgresPort = database is null ? null : new Npgsql.NpgsqlConnectionStringBuilder(database).Port;
    var settings = new LoadSettings(gatewayUri, apiKey!, parse.GetValue(brand)!, parse.GetValue(concurrency), parse.GetValue(batch),
        database, TimeSpan.FromSeconds(parse.GetValue(stall)),
        new WorkloadOptions
        {
            Interactions = parse.GetValue(interactions),
            Leads = parse.GetValue(leads),
            Channels = channelList,
            RepeatRatio = parse.GetValue(repeats),
            OutOfOrderRatio = parse.GetValue(outOfOrder),
            Seed = parse.GetValue(seed),
        },
        formats.Select(f => f!.Value).Distinct().ToList(),
        new ProviderAccounts(parse.GetValue(brand)!, parse.GetValue(webSecret) ?? Env("PROXE_DEMO_WEB_SECRET"),
            parse.GetValue(whatsAppSecret) ?? Env("PROXE_DEMO_WHATSAPP_APP_SECRET"), parse.GetValue(metaSecret) ?? Env("PROXE_DEMO_META_APP_SECRET"),
            parse.GetValue(twilioToken) ?? Env("PROXE_DEMO_TWILIO_AUTH_TOKEN")),
        ratePlan, parse.GetValue(warmup), script, parse.GetValue(ceilingSeconds),
        new CpuTargets(gatewayUri.Port, workersUri?.Port ?? gatewayUri.Port + 2, postgresPort, parse.GetValue(amqpPort)));
    return await LoadTest.RunAsync(settings, cancellationToken);
});

return await root.Parse(args).InvokeAsync();
