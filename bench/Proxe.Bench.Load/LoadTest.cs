using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using Proxe.Bench.Workload;
using Proxe.Gateway.Interactions;

namespace Proxe.Bench.Load;

public enum WorkloadFormat { Interactions, Providers }

/// <summary>flat-out ("max"), a fixed rate in interactions/s, or "half": flat-out, then a fixed rate of half its end-to-end rate.</summary>
public sealed record RatePlan(double? Fixed, bool ThenHalf)
{
    public static RatePlan? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "max" => new RatePlan(null, false),
        "half" => new RatePlan(null, true),
        var value when double.TryParse(value.EndsWith("/s", StringComparison.Ordinal) ? value[..^2] : value, NumberStyles.Float,
            CultureInfo.InvariantCulture, out var rate) && rate > 0 => new RatePlan(rate, false),
        _ => null,
    };
}

public sealed record LoadSettings(
    Uri Gateway, string Key, string Brand, int Concurrency, int Batch, string? Database, TimeSpan StallTimeout, WorkloadOptions Workload,
    IReadOnlyList<WorkloadFormat> Formats, ProviderAccounts Accounts, RatePlan Rate, int Warmup, string? PgbenchScript, int PgbenchSeconds, CpuTargets Cpu)
{
    /// <summary>The format of the pass being run.</summary>
    public WorkloadFormat Format { get; init; } = Formats[0];
}

/// <summary>One request: where, what, which messages.external_id values it should produce, and how to sign it at send time.</summary>
public sealed record Post(string Path, PostBody Body, string[] StoredIds, Action<HttpRequestMessage>? Sign = null);

public sealed record PostBody(byte[] Bytes, MediaTypeHeaderValue ContentType);

/// <summary>What one pass measured.</summary>
public sealed record PassResult(
    string Label, double? TargetRate, double GatewayRate, double[] AckMs, double? EndToEndRate, double[] EndToEndMs, bool Complete, CpuReport Cpu)
{
    /// <summary>The pgbench ceiling measured before this (flat-out) pass: after the previous format's passes, if any.</summary>
    public PgbenchCeiling.Result? Ceiling { get; init; }

    /// <summary>The pgbench ceiling measured after this (flat-out) pass and the half-rate pass that follows it.</summary>
    public PgbenchCeiling.Result? CeilingAfter { get; init; }

    /// <summary>The machine's speed around the pass: the mean of the single-interaction ceilings before and after it (either alone when the other failed).</summary>
    public double? CeilingAround => (Ceiling?.Single, CeilingAfter?.Single) switch
    {
        ({ } before, { } after) => (before + after) / 2,
        (var before, var after) => before ?? after,
    };
}

/// <summary>
/// The benchmark as one invocation: the database ceiling (pgbench, at the start and again before and after each format's
/// passes, so a flat-out pass's ratio is taken to the mean of the two around it), a warm-up, then the measured passes against the
/// running stack, each a fresh run of the generated workload posted to /v1/interactions or to the providers' webhooks,
/// flat out or at a fixed rate; it times every answer, watches PostgreSQL until every accepted interaction is a message
/// row counted by the LeadJourney saga, and prints the figures the targets are set in, with their ratio to the ceiling.
/// </summary>
public static class LoadTest
{
    const int AckTargetMs = 25;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> RunAsync(LoadSettings settings, CancellationToken cancellationToken)
    {
        using var http = CreateClient(settings);
        if (await PreflightAsync(http, settings, cancellationToken) is { } problem)
        {
            await Console.Error.WriteLineAsync(problem);
            return 2;
        }

        await using var database = settings.Database is null ? null : NpgsqlDataSource.Create(settings.Database);
        Console.WriteLine($"PROXe load benchmark, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
                          $"formats {string.Join(",", settings.Formats).ToLowerInvariant()}, gateway {settings.Gateway}");

        var ceiling = await CeilingAsync(settings, "at the start", cancellationToken);

        try
        {
            // Each format runs its own code in the gateway: each is warmed up, so no pass is measured while it is still compiled.
            foreach (var format in settings.Warmup > 0 ? settings.Formats : [])
            {
                Console.WriteLine($"== Warm-up, {format.ToString().ToLowerInvariant()}: {settings.Warmup:N0} interactions flat out (not reported)");
                var warmup = await RunPassAsync("warm-up", null, http, database,
                    settings with { Format = format, Workload = settings.Workload with { Interactions = settings.Warmup, Leads = Math.Max(1, settings.Workload.Leads / 5) } },
                    quiet: true, cancellationToken);
                if (warmup is null)
                    return 2;
            }

            if (settings.Warmup > 0 && database is not null)
                await AnalyzeAsync(database, cancellationToken);

            var results = new List<PassResult>();
            PgbenchCeiling.Result? afterPrevious = null;
            foreach (var format in settings.Formats)
            {
                var passSettings = settings with { Format = format };
                var name = format.ToString().ToLowerInvariant();
                // The machine is shared: its speed drifts within a run, so a flat-out pass has ceilings of its own, measured
                // before it and after its format's passes (the next format's before): a slowdown that begins after the one
                // before is seen by the one after. Not between a flat-out pass and its half-rate pass, on which pgbench's
                // own writes would then land.
                var flatOut = settings.Rate.Fixed is null;
                var before = flatOut ? afterPrevious ?? await CeilingAsync(settings, $"before the {name} passes", cancellationToken) : null;
                var first = await RunPassAsync($"{name}, {(settings.Rate.Fixed is { } rate ? $"{rate:0}/s" : "flat out")}", settings.Rate.Fixed, http, database, passSettings, quiet: false, cancellationToken);
                if (first is null)
                    return 2;
                PassResult? half = null;
                if (settings.Rate.ThenHalf)
                {
                    var max = first.EndToEndRate ?? first.GatewayRate;
                    half = await RunPassAsync($"{name}, half {max / 2:0}/s", max / 2, http, database, passSettings, quiet: false, cancellationToken);
                    if (half is null)
                        return 2;
                }

                afterPrevious = flatOut ? await CeilingAsync(settings, $"after the {name} passes", cancellationToken) : null;
                results.Add(first with { Ceiling = before, CeilingAfter = afterPrevious });
                if (half is not null)
                    results.Add(half);
            }

            PrintSummary(settings, ceiling, results);
            return results.All(r => r.Complete) ? 0 : 1;
        }
        catch (NpgsqlException ex)
        {
            await Console.Error.WriteLineAsync($"Cannot query PostgreSQL with --db: {ex.Message}");
            return 2;
        }
    }

    /// <summary>
    /// The planner's statistics after the warm-up, as autovacuum keeps them in a database in service. A new database is
    /// first analyzed at autovacuum's first visit, a minute or two after it is created; until then a lookup of a lead by
    /// (brand, id), such as the foreign-key check of every message, may read all of the brand's leads through another
    /// index on brand, and whether a pass ran before or after that visit changed its figures.
    /// </summary>
    static async Task AnalyzeAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        Console.WriteLine("== Statistics: ANALYZE after the warm-up (what autovacuum keeps up to date in a database in service)");
        await using var command = database.CreateCommand("ANALYZE");
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<PgbenchCeiling.Result?> CeilingAsync(LoadSettings settings, string when, CancellationToken cancellationToken)
    {
        if (settings.PgbenchScript is null || settings.Database is null)
            return null;
        Console.WriteLine($"== Ceiling {when}: {settings.PgbenchScript} ({settings.PgbenchSeconds} s per figure; recreates database 'bench')");
        var ceiling = await PgbenchCeiling.RunAsync(settings.PgbenchScript, settings.Database, settings.PgbenchSeconds, cancellationToken);
        Console.WriteLine(ceiling is null ? "   pgbench failed (see above); no ratio" : $"   {ceiling}");
        return ceiling;
    }

    static HttpClient CreateClient(LoadSettings settings)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(settings.Concurrency, 256), PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var http = new HttpClient(handler) { BaseAddress = settings.Gateway, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add(InteractionEndpoints.ApiKeyHeader, settings.Key);
        return http;
    }

    /// <summary>Fails fast with a sentence instead of 20 000 identical errors: gateway unreachable, not ready, a wrong key or missing secrets.</summary>
    static async Task<string?> PreflightAsync(HttpClient http, LoadSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Formats.Contains(WorkloadFormat.Providers) && settings.Accounts.Missing().ToList() is { Count: > 0 } missing)
            return $"--format providers signs every webhook: missing {string.Join(", ", missing)} (. .proxe/local.env after ./run.sh).";
        try
        {
            using var ready = await http.GetAsync("/health/ready", cancellationToken);
            if (ready.StatusCode != HttpStatusCode.OK)
                return $"The gateway at {settings.Gateway} is not ready (/health/ready answered {(int)ready.StatusCode}): is RabbitMQ up?";

            // An empty batch passes the key check and is then refused as invalid: 400 means the key is right, and nothing is published.
            using var probe = await http.PostAsync("/v1/interactions", Content(new PostBody("""{"interactions":[]}"""u8.ToArray(), new MediaTypeHeaderValue("application/json"))), cancellationToken);
            return probe.StatusCode switch
            {
                HttpStatusCode.BadRequest => null,
                HttpStatusCode.Unauthorized => $"The gateway refused the key (401): pass the brand's X-Proxe-Key with --key " +
                                               "(./run.sh writes it to .proxe/local.env as PROXE_DEMO_API_KEY).",
                var status => $"Unexpected answer {(int)status} from POST /v1/interactions: {await probe.Content.ReadAsStringAsync(cancellationToken)}",
            };
        }
        catch (HttpRequestException ex)
        {
            return $"Cannot reach the gateway at {settings.Gateway}: {ex.Message}. Is ./run.sh running?";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"The gateway at {settings.Gateway} did not answer within {http.Timeout.TotalSeconds:0} s.";
        }
    }

    static async Task<PassResult?> RunPassAsync(string label, double? rate, HttpClient http, NpgsqlDataSource? database, LoadSettings settings, bool quiet,
        CancellationToken cancellationToken)
    {
        var run = await NewRunAsync(database, settings.Brand, cancellationToken);
        var workload = Workload.Workload.Generate(run, settings.Workload, DateTimeOffset.UtcNow);
        var posts = settings.Format == WorkloadFormat.Providers
            ? workload.Items.Select(item => ProviderWebhooks.ToPost(item, run, settings.Accounts, settings.Gateway)).ToList()
            : workload.Items.Chunk(settings.Batch).Select(chunk => new Post("/v1/interactions", Body(chunk), chunk.Select(i => i.Request.ExternalEventId!).ToArray())).ToList();
        var expectedLeads = settings.Format == WorkloadFormat.Providers ? ProviderWebhooks.ExpectedLeads(workload) : workload.LeadsUsed;
        var distinct = posts.SelectMany(p => p.StoredIds).Distinct().Count();
        var perPost = settings.Format == WorkloadFormat.Providers ? 1 : settings.Batch;
        var pacing = rate is { } r ? $"at {r:0} interactions/s ({r / perPost:0.#} posts/s, up to {settings.Concurrency} in flight)" : $"flat out, {settings.Concurrency} at a time";
        Console.WriteLine($"== {label}: run {run.Id}, {workload.Items.Count:N0} interactions ({distinct:N0} distinct, {workload.Items.Count - workload.Distinct:N0} repeats, " +
                          $"{workload.Late:N0} out of order) for {expectedLeads:N0} leads over {string.Join(",", settings.Workload.Channels)}, " +
                          $"as {posts.Count:N0} posts of {perPost}, {pacing}");

        var stats = new PostStats(posts);
        var probe = database is null ? null : new PipelineProbe(database, settings.Brand, run);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (probe is not null)
            await probe.StartAsync(cancellationToken);
        var workers = new UriBuilder(settings.Gateway) { Port = settings.Cpu.WorkersPort ?? settings.Gateway.Port + 2 }.Uri;
        var services = await ServiceCounters.ReadAsync(http, settings.Gateway, workers, AckTargetMs / 1000.0, cancellationToken);
        // The generator stands in for providers on other machines: its own collections must not delay posts. The workload's
        // garbage goes now, and during the pass only background collections run, no blocking full one.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var latencyMode = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        PipelineProgress? progress;
        CpuReport cpuReport;
        string generatorGc;
        var startedAt = DateTimeOffset.UtcNow;
        try
        {
            var cpu = CpuMeter.Start(settings.Cpu);
            var gc = GeneratorGc.Start();
            var posting = rate is { } fixedRate
                ? PostAtRateAsync(http, posts, fixedRate / perPost, settings.Concurrency, stats, abort, cancellationToken)
                : PostFlatOutAsync(http, posts, settings.Concurrency, stats, abort, cancellationToken);
            progress = await WatchAsync(posting, stats, probe, startedAt, settings.StallTimeout, quiet, cancellationToken);
            cpuReport = cpu.Stop();
            generatorGc = gc.Stop();
            await posting;
        }
        finally
        {
            GCSettings.LatencyMode = latencyMode;
        }
        var serviceCounters = (await ServiceCounters.ReadAsync(http, settings.Gateway, workers, AckTargetMs / 1000.0, cancellationToken)).Since(services, AckTargetMs);

        if (stats.Fatal is { } fatal)
        {
            await Console.Error.WriteLineAsync(fatal);
            return null;
        }

        var endToEnd = probe is null ? [] : EndToEndLatencies(await probe.InsertTimesAsync(cancellationToken), stats.FirstSentAt());
        var journeys = probe is null ? default : await probe.CheckJourneysAsync(cancellationToken);
        var complete = stats.AcceptedPosts == posts.Count && journeys == default
                       && (progress is null || (progress.Messages == stats.DistinctAccepted && progress.JourneyInteractions == stats.DistinctAccepted && progress.Leads == expectedLeads));
        return Report(label, rate, settings, posts.Count, workload.Items.Count, expectedLeads, stats, progress, journeys, startedAt, endToEnd, complete,
            cpuReport, [generatorGc, serviceCounters], quiet);
    }

    static async Task<BenchRun> NewRunAsync(NpgsqlDataSource? database, string brand, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var run = BenchRun.New();
            if (database is null || await PipelineProbe.IsPhoneTagFreeAsync(database, brand, run, cancellationToken))
                return run;
            if (attempt == 20)
                throw new InvalidOperationException("No free phone tag found; the brand holds leads of many earlier runs.");
        }
    }

    static PostBody Body(GeneratedInteraction[] chunk) => new(chunk.Length == 1
            ? JsonSerializer.SerializeToUtf8Bytes(chunk[0].Request, Json)
            : JsonSerializer.SerializeToUtf8Bytes(new InteractionBatchRequest { Interactions = chunk.Select(item => item.Request).ToList() }, Json),
        new MediaTypeHeaderValue("application/json"));

    static ByteArrayContent Content(PostBody body)
    {
        var content = new ByteArrayContent(body.Bytes);
        content.Headers.ContentType = body.ContentType;
        return content;
    }

    static Task PostFlatOutAsync(HttpClient http, List<Post> posts, int concurrency, PostStats stats, CancellationTokenSource abort, CancellationToken cancellationToken)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < posts.Count && !abort.IsCancellationRequested)
                await PostOrFailAsync(http, posts[index], index, Stopwatch.GetTimestamp(), stats, abort, cancellationToken);
        }, CancellationToken.None)));
    }

    /// <summary>
    /// Open loop: post i is due at start + i / rate, whatever the answers before it do. Latency counts from the due time,
    /// so a post held back because <paramref name="maxInFlight"/> posts are still waiting is not measured as fast
    /// (no coordinated omission); such posts are counted as behind schedule. The posts start from a thread of their own
    /// that sleeps until each is due: a timer and the thread pool started them later, and that delay of the generator's
    /// counted as the gateway's (bench/README.md, "2026-12-07 (stop 37)").
    /// </summary>
    static async Task PostAtRateAsync(HttpClient http, List<Post> posts, double postsPerSecond, int maxInFlight, PostStats stats, CancellationTokenSource abort,
        CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(maxInFlight);
        var paced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pacer = new Thread(() =>
        {
            try
            {
                var start = Stopwatch.GetTimestamp();
                for (var index = 0; index < posts.Count && !abort.IsCancellationRequested; index++)
                {
                    var due = start + (long)(index / postsPerSecond * Stopwatch.Frequency);
                    // In slices, so that a cancelled pass at a low rate does not sleep out a long gap.
                    for (var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                         wait > TimeSpan.Zero && !abort.IsCancellationRequested;
                         wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due))
                        PreciseSleep.For(wait < TimeSpan.FromMilliseconds(100) ? wait : TimeSpan.FromMilliseconds(100));
                    slots.Wait(cancellationToken);
                    _ = PostInSlotAsync(http, posts[index], index, due, stats, abort, slots, cancellationToken);
                }
                paced.SetResult();
            }
            catch (Exception ex)
            {
                paced.SetException(ex);
            }
        }) { IsBackground = true, Name = "Pacer" };
        pacer.Start();
        await paced.Task;
        // Every post has answered once all the slots are free again (no list of the pass's tasks kept alive to its end).
        for (var slot = 0; slot < maxInFlight; slot++)
            await slots.WaitAsync(CancellationToken.None);
    }

    static async Task PostInSlotAsync(HttpClient http, Post post, int index, long dueTimestamp, PostStats stats, CancellationTokenSource abort,
        SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await PostOrFailAsync(http, post, index, dueTimestamp, stats, abort, cancellationToken);
        }
        finally
        {
            slots.Release();
        }
    }

    static async Task PostOrFailAsync(HttpClient http, Post post, int index, long dueTimestamp, PostStats stats, CancellationTokenSource abort,
        CancellationToken cancellationToken)
    {
        try
        {
            await PostAsync(http, post, index, dueTimestamp, stats, abort, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await FailAsync(stats, abort, index, ex);
        }
    }

    static async Task FailAsync(PostStats stats, CancellationTokenSource abort, int index, Exception exception)
    {
        stats.SetFatal($"Post {index} failed in the generator: {exception}");
        await abort.CancelAsync();
    }

    static async Task PostAsync(HttpClient http, Post post, int index, long dueTimestamp, PostStats stats, CancellationTokenSource abort, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref stats.SentInteractions, post.StoredIds.Length);
        stats.SentAt[index] = DateTimeOffset.UtcNow;
        stats.StartedLateMs[index] = Math.Max(0, Stopwatch.GetElapsedTime(dueTimestamp).TotalMilliseconds);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, post.Path) { Content = Content(post.Body) };
            post.Sign?.Invoke(request);
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(dueTimestamp);
            stats.Answered();
            if (response.IsSuccessStatusCode)
            {
                stats.LatencyMs[index] = elapsed.TotalMilliseconds;
                stats.DueAt[index] = DateTimeOffset.UtcNow - elapsed;
                stats.Accepted[index] = true;
                Interlocked.Add(ref stats.AcceptedInteractions, post.StoredIds.Length);
                Interlocked.Increment(ref stats.AcceptedPosts);
                return;
            }

            stats.Refused.AddOrUpdate((int)response.StatusCode, 1, (_, count) => count + 1);
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound
                or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType)
            {
                // The generator, the key or the brand's provider configuration is wrong: every other post would fail the same way.
                stats.SetFatal($"The gateway refused post {index} ({post.Path}) with {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}" +
                               (post.Path.StartsWith("/webhooks", StringComparison.Ordinal)
                                   ? "\n(--format providers needs the demo brand's provider accounts and secrets, which ./run.sh configures and writes to .proxe/local.env)"
                                   : ""));
                await abort.CancelAsync();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref stats.TransportErrors);
        }
    }

    /// <summary>
    /// Prints progress every second (while posting, from PostgreSQL's statistics); once posting is over, counts the run's
    /// rows every second until they are all in PostgreSQL.
    /// </summary>
    static async Task<PipelineProgress?> WatchAsync(Task posting, PostStats stats, PipelineProbe? probe, DateTimeOffset startedAt,
        TimeSpan stallTimeout, bool quiet, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        PipelineProgress? last = null;
        var lastChange = DateTimeOffset.UtcNow;
        long lastAccepted = 0, lastMessages = 0;
        var lastWasEstimate = true;
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var estimate = !posting.IsCompleted;
            var progress = probe is null ? null : estimate ? await probe.EstimateAsync(cancellationToken) : await probe.ReadAsync(cancellationToken);
            var accepted = stats.AcceptedInteractions;
            var line = $"[{(DateTimeOffset.UtcNow - startedAt).TotalSeconds,4:0}s] sent {stats.SentInteractions,7:N0}  accepted {accepted,7:N0} (+{accepted - lastAccepted,5:N0})";
            if (progress is not null)
                line += $"  recorded{(estimate ? "~" : " ")}{progress.Messages,7:N0} " +
                        (estimate == lastWasEstimate ? $"(+{progress.Messages - lastMessages,5:N0})" : new string(' ', 8)) +
                        $"  journeys{(estimate ? "~" : " ")}{progress.JourneyInteractions,7:N0}";
            if (stats.RefusedCount + stats.TransportErrors > 0)
                line += $"  failed {stats.RefusedCount + stats.TransportErrors:N0}";
            if (!quiet)
                Console.WriteLine(line);
            lastAccepted = accepted;
            lastMessages = progress?.Messages ?? 0;
            lastWasEstimate = estimate;

            if (progress != last)
                lastChange = DateTimeOffset.UtcNow;
            last = progress;

            if (estimate)
                continue;
            if (stats.Fatal is not null || progress is null || (progress.Messages >= stats.DistinctAccepted && progress.JourneyInteractions >= stats.DistinctAccepted))
                return progress;
            if (DateTimeOffset.UtcNow - lastChange > stallTimeout)
            {
                Console.WriteLine($"Nothing new reached PostgreSQL for {stallTimeout.TotalSeconds:0} s; giving up (see the workers' log and the *_error queues).");
                return progress;
            }
        }
        return last;
    }

    /// <summary>
    /// The posts answered after the ack target, grouped by due time (one group while they are due less than 100 ms apart),
    /// so the tail can be lined up with what else happened then (checkpoints in PostgreSQL's log, the broker's, GCs).
    /// </summary>
    static List<(DateTimeOffset At, DateTimeOffset Until, int Posts, double MaxMs)> Stalls(PostStats stats)
    {
        var stalls = new List<(DateTimeOffset At, DateTimeOffset Until, int Posts, double MaxMs)>();
        var slow = Enumerable.Range(0, stats.LatencyMs.Length).Where(i => stats.LatencyMs[i] > AckTargetMs).OrderBy(i => stats.DueAt[i]);
        DateTimeOffset? last = null;
        foreach (var i in slow)
        {
            if (last is { } previous && stats.DueAt[i] - previous < TimeSpan.FromMilliseconds(100))
                stalls[^1] = (stalls[^1].At, stats.DueAt[i], stalls[^1].Posts + 1, Math.Max(stalls[^1].MaxMs, stats.LatencyMs[i]));
            else
                stalls.Add((stats.DueAt[i], stats.DueAt[i], 1, stats.LatencyMs[i]));
            last = stats.DueAt[i];
        }
        return stalls;
    }

    /// <summary>Received → committed per message: its row's created_at minus the first send of the post carrying it; same machine, same clock.</summary>
    static (DateTimeOffset SentAt, double Ms)[] EndToEndLatencies(Dictionary<string, DateTimeOffset> insertedAt, Dictionary<string, DateTimeOffset> sentAt) =>
        insertedAt.Select(row => sentAt.TryGetValue(row.Key, out var sent) ? (sent, (row.Value - sent).TotalMilliseconds) : default)
            .Where(e => e.sent != default).ToArray();

    static PassResult Report(string label, double? rate, LoadSettings settings, int posts, int interactions, int expectedLeads, PostStats stats,
        PipelineProgress? progress, (long WrongLeads, long NotedLeft) journeys, DateTimeOffset startedAt, (DateTimeOffset SentAt, double Ms)[] endToEnd, bool complete, CpuReport cpu,
        IReadOnlyList<string> diagnostics, bool quiet)
    {
        var endToEndMs = endToEnd.Select(e => e.Ms).Order().ToArray();
        var latencies = stats.LatencyMs.Where(ms => !double.IsNaN(ms)).Order().ToArray();
        var postingSeconds = (stats.LastAnswerAt - startedAt).TotalSeconds;
        var gatewayRate = stats.AcceptedInteractions / postingSeconds;
        double? endToEndRate = null;
        if (!quiet)
        {
            Console.WriteLine();
            Console.WriteLine($"Gateway    {stats.AcceptedInteractions:N0} of {interactions:N0} interactions accepted in {postingSeconds:0.0} s: " +
                              $"{gatewayRate:N0} interactions/s, {latencies.Length / postingSeconds:N0} posts/s" +
                              (rate is { } r ? $" (asked {r:N0}/s; {stats.StartedLateMs.Count(ms => ms > 10):N0} posts started > 10 ms late)" : ""));
            if (latencies.Length > 0)
                Console.WriteLine($"           ack latency ms{(rate is null ? "" : " (from each post's due time)")}: {Percentiles(latencies)}  mean {latencies.Average():0.0}");
            if (rate is not null && Stalls(stats) is { Count: > 0 } stalls)
                Console.WriteLine($"           over {AckTargetMs} ms: {stalls.Sum(s => s.Posts):N0} posts in {stalls.Count:N0} stall(s); the five largest: " +
                                  string.Join("; ", stalls.OrderByDescending(s => s.Posts).Take(5)
                                      .Select(s => $"{s.At:HH:mm:ss.f} UTC for {(s.Until - s.At).TotalSeconds:0.0} s, {s.Posts} posts, max {s.MaxMs:0} ms")));
            if (rate is not null)
                Console.WriteLine($"           started after the due time, ms (the generator's delay or waiting for a slot): {Percentiles(stats.StartedLateMs.Order().ToArray())}");
            if (stats.RefusedCount + stats.TransportErrors > 0)
                Console.WriteLine($"           not accepted: {string.Join(", ", stats.Refused.OrderBy(r => r.Key).Select(r => $"{r.Value} x {r.Key}"))}" +
                                  $"{(stats.TransportErrors > 0 ? $", {stats.TransportErrors} x no answer" : "")}");
        }

        if (progress is not null)
        {
            var lastRow = progress.LastRowAt ?? stats.LastAnswerAt;
            var endToEndSeconds = (lastRow - startedAt).TotalSeconds;
            endToEndRate = stats.DistinctAccepted / endToEndSeconds;
            if (!quiet)
            {
                Console.WriteLine($"Pipeline   {progress.Messages:N0} messages and {progress.JourneyInteractions:N0} journey interactions of " +
                                  $"{stats.DistinctAccepted:N0} distinct accepted; {progress.Leads:N0} leads (expected {expectedLeads:N0}), " +
                                  $"{journeys.WrongLeads:N0} with channels' first times, journey or details unlike their messages and sessions, " +
                                  $"{journeys.NotedLeft:N0} first times left unmerged" + (complete ? "" : "  INCOMPLETE"));
                Console.WriteLine($"           end-to-end {endToEndRate:N0} interactions/s (first post -> last row {endToEndSeconds:0.0} s); " +
                                  $"last row {(lastRow - stats.LastAnswerAt).TotalSeconds:0.0} s after the last answer; " +
                                  $"messages alone {progress.Messages / ((progress.LastMessageAt ?? lastRow) - startedAt).TotalSeconds:N0}/s");
                if (endToEndMs.Length > 0)
                    Console.WriteLine($"           received -> committed ms (messages.created_at - send time): {Percentiles(endToEndMs)}");
                if (rate is not null && endToEnd.Length > 0)
                    Console.WriteLine("           received -> committed p99 ms by 5 s of sending: " + string.Join("  ", endToEnd
                        .GroupBy(e => (int)((e.SentAt - startedAt).TotalSeconds / 5)).OrderBy(window => window.Key)
                        .Select(window => $"{window.Key * 5}s {At(window.Select(e => e.Ms).Order().ToArray(), 99):0}")));
            }
        }
        if (!quiet)
        {
            Console.WriteLine(cpu);
            Console.WriteLine($"CPU per distinct interaction: gateway {cpu.MillisecondsPer("gateway", stats.DistinctAccepted):0.00} ms, " +
                              $"workers {cpu.MillisecondsPer("workers", stats.DistinctAccepted):0.00} ms, postgresql {cpu.MillisecondsPer("postgresql", stats.DistinctAccepted):0.00} ms, " +
                              $"rabbitmq {cpu.MillisecondsPer("rabbitmq", stats.DistinctAccepted):0.00} ms");
            foreach (var line in diagnostics)
                Console.WriteLine(line);
            Console.WriteLine();
        }
        return new PassResult(label, rate, gatewayRate, latencies, endToEndRate, endToEndMs, complete, cpu);
    }

    static void PrintSummary(LoadSettings settings, PgbenchCeiling.Result? ceiling, List<PassResult> results)
    {
        Console.WriteLine($"== Summary ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, one invocation; /v1/interactions batch {settings.Batch}, " +
                          $"webhooks 1 event each, concurrency {settings.Concurrency})");
        if (ceiling is not null)
            Console.WriteLine($"ceiling    at the start: {ceiling}");
        foreach (var flat in results.Where(r => r.Ceiling is not null || r.CeilingAfter is not null))
        {
            Console.WriteLine($"ceiling    before {flat.Label}: {flat.Ceiling?.ToString() ?? "not measured"}");
            Console.WriteLine($"ceiling    after {flat.Label}{(settings.Rate.ThenHalf ? " and its half-rate pass" : "")}: {flat.CeilingAfter?.ToString() ?? "not measured"}");
        }
        foreach (var result in results)
        {
            Console.WriteLine($"{result.Label,-28} gateway {result.GatewayRate,6:N0}/s  ack {Percentiles(result.AckMs, p50And99Only: true)}  " +
                              $"end-to-end {result.EndToEndRate?.ToString("N0", CultureInfo.InvariantCulture) ?? "-",6}/s  " +
                              $"received->committed {Percentiles(result.EndToEndMs, p50And99Only: true)}{(result.Complete ? "" : "  INCOMPLETE")}");
        }

        var missed = new List<string>();
        string Verdict(bool met, string target)
        {
            if (!met)
                missed.Add(target);
            return met ? "met" : "not met";
        }

        foreach (var flat in results.Where(r => r.TargetRate is null))
        {
            if (flat.CeilingAround is not { } around || flat.EndToEndRate is not { } rate)
            {
                Console.WriteLine($"RATIO      {flat.Label}: not measured (no end-to-end rate or no ceiling around it)   (target >= 1.0x: {Verdict(false, $"{flat.Label} ratio")})");
                continue;
            }
            var ratio = rate / around;
            string Against(string when, PgbenchCeiling.Result? other) => other is null ? "" : $"; against the {when} {other.Single:N0}/s: {Floored(rate / other.Single)}x";
            Console.WriteLine($"RATIO      {flat.Label}: end-to-end {rate:N0}/s / pgbench single-interaction around it {around:N0}/s = {Floored(ratio)}x   " +
                              $"(target >= 1.0x: {Verdict(ratio >= 1.0, $"{flat.Label} ratio")}, first >= 0.5x)" +
                              Against("one before", flat.Ceiling) + Against("one after", flat.CeilingAfter) + Against("start's", ceiling));
        }
        foreach (var paced in results.Where(r => r.TargetRate is not null))
        {
            var ackP99 = At(paced.AckMs, 99);
            var e2eP99 = At(paced.EndToEndMs, 99);
            Console.WriteLine($"TARGETS    {paced.Label}: ack p99 {ackP99:0.0} ms (target <= {AckTargetMs} ms: {Verdict(ackP99 <= AckTargetMs, $"{paced.Label} ack p99")}), " +
                              $"end-to-end p99 {e2eP99:0} ms (target <= 1000 ms: {Verdict(e2eP99 <= 1000, $"{paced.Label} end-to-end p99")})");
        }
        foreach (var incomplete in results.Where(r => !r.Complete))
            missed.Add($"{incomplete.Label} incomplete");
        foreach (var format in Enum.GetValues<WorkloadFormat>().Except(settings.Formats))
            missed.Add($"{format.ToString().ToLowerInvariant()} targets (not run)");
        if (settings.Rate.Fixed is not null)
            missed.Add("ratio (no flat-out pass)");
        if (!settings.Rate.ThenHalf)
            missed.Add("half-rate targets (no half-rate pass)");
        Console.WriteLine(missed.Count == 0 ? "ALL        every target met in this invocation" : $"ALL        not met: {string.Join("; ", missed)}");
    }

    /// <summary>
    /// Two decimals, rounded down: a ratio just under a target never prints as reaching it. Rounded to nine places first,
    /// so a binary fraction just under an exact hundredth (1.15 * 100 = 114.999...) is not taken a hundredth down.
    /// </summary>
    static string Floored(double ratio) => (Math.Floor(Math.Round(ratio * 100, 9)) / 100).ToString("0.00", CultureInfo.InvariantCulture);

    static string Percentiles(double[] sorted, bool p50And99Only = false) => sorted.Length == 0 ? "-"
        : p50And99Only ? $"p50 {At(sorted, 50):0} / p99 {At(sorted, 99):0} ms"
        : $"p50 {At(sorted, 50):0.0}  p95 {At(sorted, 95):0.0}  p99 {At(sorted, 99):0.0}  max {sorted[^1]:0.0}";

    /// <summary>Nearest-rank percentile of sorted values (NaN when empty).</summary>
    static double At(double[] sorted, double percent) => sorted.Length == 0 ? double.NaN
        : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>
    /// What the posts of a pass did. Per post, in arrays sized before the pass: the generator allocates nothing during
    /// it that lives to its end, so its collections stay short (they delay posts, which counts as ack latency).
    /// </summary>
    sealed class PostStats(List<Post> posts)
    {
        public long SentInteractions;
        public long AcceptedInteractions;
        public long AcceptedPosts;
        public long TransportErrors;
        public readonly double[] LatencyMs = Enumerable.Repeat(double.NaN, posts.Count).ToArray();
        /// <summary>How long after its due time each post started: the generator's own delay, or waiting for a free slot.</summary>
        public readonly double[] StartedLateMs = new double[posts.Count];
        /// <summary>When each answered post was due (fixed rate) or sent (flat out), UTC.</summary>
        public readonly DateTimeOffset[] DueAt = new DateTimeOffset[posts.Count];
        public readonly DateTimeOffset[] SentAt = new DateTimeOffset[posts.Count];
        public readonly bool[] Accepted = new bool[posts.Count];
        public readonly ConcurrentDictionary<int, int> Refused = new();
        long _lastAnswerTicks = DateTimeOffset.UtcNow.UtcTicks;
        string? _fatal;

        public DateTimeOffset LastAnswerAt => new(Interlocked.Read(ref _lastAnswerTicks), TimeSpan.Zero);
        public string? Fatal => Volatile.Read(ref _fatal);
        /// <summary>Read once posting is over.</summary>
        public long DistinctAccepted => _distinctAccepted ??= posts.Where((_, i) => Accepted[i]).SelectMany(p => p.StoredIds).Distinct().Count();
        long? _distinctAccepted;

        /// <summary>When each interaction was first sent (its post or an earlier repeat); read once posting is over.</summary>
        public Dictionary<string, DateTimeOffset> FirstSentAt()
        {
            var first = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            for (var i = 0; i < posts.Count; i++)
                if (SentAt[i] != default)
                    foreach (var id in posts[i].StoredIds)
                        if (!first.TryGetValue(id, out var at) || SentAt[i] < at)
                            first[id] = SentAt[i];
            return first;
        }
        public long RefusedCount => Refused.Values.Sum();

        public void Answered() => Interlocked.Exchange(ref _lastAnswerTicks, DateTimeOffset.UtcNow.UtcTicks);

        public void SetFatal(string message) => Interlocked.CompareExchange(ref _fatal, message, null);
    }
}

/// <summary>The load generator's own garbage collections during a pass: its pauses delay posts, which counts as ack latency.</summary>
readonly record struct GeneratorGc(TimeSpan Paused, int Collections, int Gen2)
{
    public static GeneratorGc Start() => new(GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(2));

    public string Stop() =>
        $"Generator  {GC.CollectionCount(0) - Collections} GCs ({GC.CollectionCount(2) - Gen2} gen2), paused {(GC.GetTotalPauseDuration() - Paused).TotalMilliseconds:0} ms in all";
}
