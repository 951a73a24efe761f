using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using Proxe.Bench.Workload;
using Proxe.Gateway.Interactions;

namespace Proxe.Bench.Load;

public sealed record LoadSettings(
    Uri Gateway, string Key, string Brand, int Concurrency, int Batch, string? Database, TimeSpan StallTimeout, WorkloadOptions Workload);

/// <summary>
/// Posts a generated workload to POST /v1/interactions from N concurrent clients, times every 202, then watches
/// PostgreSQL until each accepted interaction is a message row and the LeadJourney saga has counted it.
/// </summary>
public static class LoadTest
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    sealed record Post(byte[] Body, int Interactions);

    public static async Task<int> RunAsync(LoadSettings settings, CancellationToken cancellationToken)
    {
        using var http = CreateClient(settings);
        if (await PreflightAsync(http, settings, cancellationToken) is { } problem)
        {
            await Console.Error.WriteLineAsync(problem);
            return 2;
        }

        await using var database = settings.Database is null ? null : NpgsqlDataSource.Create(settings.Database);
        BenchRun run;
        try
        {
            run = await NewRunAsync(database, settings.Brand, cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            await Console.Error.WriteLineAsync($"Cannot query PostgreSQL with --db: {ex.Message}");
            return 2;
        }

        var workload = Workload.Workload.Generate(run, settings.Workload, DateTimeOffset.UtcNow);
        var posts = workload.Items.Chunk(settings.Batch).Select(chunk => new Post(Serialize(chunk), chunk.Length)).ToList();
        Console.WriteLine($"Run {run.Id} (phones {run.PhonePrefix}*): {workload.Items.Count:N0} interactions ({workload.Distinct:N0} distinct, " +
                          $"{workload.Items.Count - workload.Distinct:N0} repeats) for {workload.LeadsUsed:N0} leads over " +
                          $"{string.Join(",", settings.Workload.Channels)}, as {posts.Count:N0} posts of {settings.Batch}, " +
                          $"{settings.Concurrency} at a time, to {settings.Gateway} (brand {settings.Brand})");

        var stats = new PostStats(posts.Count);
        var probe = database is null ? null : new PipelineProbe(database, settings.Brand, run);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cpu = CpuMeter.Start();
        var startedAt = DateTimeOffset.UtcNow;
        var next = -1;
        var posting = Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < posts.Count && !abort.IsCancellationRequested)
                await PostAsync(http, posts[index], index, stats, abort, cancellationToken);
        }, CancellationToken.None)));

        var progress = await WatchAsync(posting, stats, probe, startedAt, settings.StallTimeout, cancellationToken);
        var cpuReport = cpu.Stop();
        await posting;

        if (stats.Fatal is { } fatal)
        {
            await Console.Error.WriteLineAsync(fatal);
            return 2;
        }

        Report(settings, workload, stats, progress, startedAt, cpuReport);
        var complete = stats.AcceptedInteractions == workload.Items.Count
                       && (progress is null || (progress.Messages == stats.DistinctAccepted && progress.JourneyInteractions == stats.DistinctAccepted));
        return complete ? 0 : 1;
    }

    static HttpClient CreateClient(LoadSettings settings)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var http = new HttpClient(handler) { BaseAddress = settings.Gateway, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add(InteractionEndpoints.ApiKeyHeader, settings.Key);
        return http;
    }

    /// <summary>Fails fast with a sentence instead of 20 000 identical errors: gateway unreachable, not ready, or a wrong key.</summary>
    static async Task<string?> PreflightAsync(HttpClient http, LoadSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            using var ready = await http.GetAsync("/health/ready", cancellationToken);
            if (ready.StatusCode != HttpStatusCode.OK)
                return $"The gateway at {settings.Gateway} is not ready (/health/ready answered {(int)ready.StatusCode}): is RabbitMQ up?";

            // An empty batch passes the key check and is then refused as invalid: 400 means the key is right, and nothing is published.
            using var probe = await http.PostAsync("/v1/interactions", JsonBody("""{"interactions":[]}"""u8.ToArray()), cancellationToken);
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

    static byte[] Serialize(GeneratedInteraction[] chunk) => chunk.Length == 1
        ? JsonSerializer.SerializeToUtf8Bytes(chunk[0].Request, Json)
        : JsonSerializer.SerializeToUtf8Bytes(new InteractionBatchRequest { Interactions = chunk.Select(item => item.Request).ToList() }, Json);

    static ByteArrayContent JsonBody(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    static async Task PostAsync(HttpClient http, Post post, int index, PostStats stats, CancellationTokenSource abort, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref stats.SentInteractions, post.Interactions);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.PostAsync("/v1/interactions", JsonBody(post.Body), cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            stats.Answered();
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                stats.LatencyMs[index] = elapsed.TotalMilliseconds;
                foreach (var id in JsonSerializer.Deserialize<InteractionsAccepted>(body, Json)!.InteractionIds)
                    stats.AcceptedIds.TryAdd(id, 0);
                Interlocked.Add(ref stats.AcceptedInteractions, post.Interactions);
                return;
            }

            stats.Refused.AddOrUpdate((int)response.StatusCode, 1, (_, count) => count + 1);
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType)
            {
                // The generator or the key is wrong: every other post would fail the same way.
                stats.SetFatal($"The gateway refused post {index} with {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
                await abort.CancelAsync();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref stats.TransportErrors);
        }
    }

    /// <summary>Prints progress every second; once posting is over, waits until the run's rows are all in PostgreSQL.</summary>
    static async Task<PipelineProgress?> WatchAsync(Task posting, PostStats stats, PipelineProbe? probe, DateTimeOffset startedAt,
        TimeSpan stallTimeout, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        PipelineProgress? last = null;
        var lastChange = DateTimeOffset.UtcNow;
        long lastAccepted = 0, lastMessages = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var progress = probe is null ? null : await probe.ReadAsync(cancellationToken);
            var accepted = stats.AcceptedInteractions;
            var line = $"[{(DateTimeOffset.UtcNow - startedAt).TotalSeconds,4:0}s] sent {stats.SentInteractions,7:N0}  accepted {accepted,7:N0} (+{accepted - lastAccepted,5:N0})";
            if (progress is not null)
                line += $"  recorded {progress.Messages,7:N0} (+{progress.Messages - lastMessages,5:N0})  journeys {progress.JourneyInteractions,7:N0}";
            if (stats.RefusedCount + stats.TransportErrors > 0)
                line += $"  failed {stats.RefusedCount + stats.TransportErrors:N0}";
            Console.WriteLine(line);
            lastAccepted = accepted;
            lastMessages = progress?.Messages ?? 0;

            if (progress != last)
                lastChange = DateTimeOffset.UtcNow;
            last = progress;

            if (!posting.IsCompleted)
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

    static void Report(LoadSettings settings, Workload.Workload workload, PostStats stats, PipelineProgress? progress, DateTimeOffset startedAt,
        CpuReport cpu)
    {
        var latencies = stats.LatencyMs.Where(ms => !double.IsNaN(ms)).Order().ToArray();
        var postingSeconds = (stats.LastAnswerAt - startedAt).TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"Gateway    {stats.AcceptedInteractions:N0} of {workload.Items.Count:N0} interactions accepted in {postingSeconds:0.0} s: " +
                          $"{stats.AcceptedInteractions / postingSeconds:N0} interactions/s, {latencies.Length / postingSeconds:N0} posts/s " +
                          $"(batch {settings.Batch}, concurrency {settings.Concurrency})");
        if (latencies.Length > 0)
            Console.WriteLine($"           202 latency ms: p50 {Percentile(latencies, 50):0.0}  p95 {Percentile(latencies, 95):0.0}  " +
                              $"p99 {Percentile(latencies, 99):0.0}  max {latencies[^1]:0.0}  mean {latencies.Average():0.0}");
        if (stats.RefusedCount + stats.TransportErrors > 0)
            Console.WriteLine($"           not accepted: {string.Join(", ", stats.Refused.OrderBy(r => r.Key).Select(r => $"{r.Value} x {r.Key}"))}" +
                              $"{(stats.TransportErrors > 0 ? $", {stats.TransportErrors} x no answer" : "")}");

        if (progress is not null)
        {
            var lastRow = progress.LastRowAt ?? stats.LastAnswerAt;
            var endToEnd = (lastRow - startedAt).TotalSeconds;
            var complete = progress.Messages == stats.DistinctAccepted && progress.JourneyInteractions == stats.DistinctAccepted;
            Console.WriteLine($"Pipeline   {progress.Messages:N0} messages and {progress.JourneyInteractions:N0} journey interactions of " +
                              $"{stats.DistinctAccepted:N0} distinct accepted; {progress.Leads:N0} leads (expected {workload.LeadsUsed:N0})" +
                              (complete ? "" : "  INCOMPLETE"));
            Console.WriteLine($"           end-to-end {stats.DistinctAccepted / endToEnd:N0} interactions/s (first post -> last row {endToEnd:0.0} s); " +
                              $"last row {(lastRow - stats.LastAnswerAt).TotalSeconds:0.0} s after the last 202; " +
                              $"messages alone {progress.Messages / ((progress.LastMessageAt ?? lastRow) - startedAt).TotalSeconds:N0}/s");
        }
        Console.WriteLine(cpu);
        Console.WriteLine($"CPU per distinct interaction: gateway {cpu.MillisecondsPer("gateway", stats.DistinctAccepted):0.00} ms, " +
                          $"workers {cpu.MillisecondsPer("workers", stats.DistinctAccepted):0.00} ms, postgresql {cpu.MillisecondsPer("postgresql", stats.DistinctAccepted):0.00} ms, " +
                          $"rabbitmq {cpu.MillisecondsPer("rabbitmq", stats.DistinctAccepted):0.00} ms");
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    static double Percentile(double[] sorted, double percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    sealed class PostStats(int posts)
    {
        public long SentInteractions;
        public long AcceptedInteractions;
        public long TransportErrors;
        public readonly double[] LatencyMs = Enumerable.Repeat(double.NaN, posts).ToArray();
        public readonly ConcurrentDictionary<Guid, byte> AcceptedIds = new();
        public readonly ConcurrentDictionary<int, int> Refused = new();
        long _lastAnswerTicks = DateTimeOffset.UtcNow.UtcTicks;
        string? _fatal;

        public DateTimeOffset LastAnswerAt => new(Interlocked.Read(ref _lastAnswerTicks), TimeSpan.Zero);
        public string? Fatal => Volatile.Read(ref _fatal);
        public long DistinctAccepted => AcceptedIds.Count;
        public long RefusedCount => Refused.Values.Sum();

        public void Answered() => Interlocked.Exchange(ref _lastAnswerTicks, DateTimeOffset.UtcNow.UtcTicks);

        public void SetFatal(string message) => Interlocked.CompareExchange(ref _fatal, message, null);
    }
}
