using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Proxe.Bench.Workload;
using Proxe.Contracts;
using Proxe.Gateway.Interactions;

namespace Proxe.Bench.Faults;

/// <summary>An event the tool sent, by the key it is stored under: messages (brand, channel, external_id).</summary>
public readonly record struct EventKey(string Channel, string ExternalId);

/// <summary>Answers of one kind of post: how many were sent, got a 2xx, were refused (by status) or got no answer.</summary>
public sealed class AnswerCounts
{
    public long Sent;
    public long Succeeded;
    public long Unanswered;
    public readonly ConcurrentDictionary<int, long> Refused = new();

    public long RefusedTotal => Refused.Values.Sum();

    public override string ToString() =>
        $"{Succeeded:N0} of {Sent:N0} 2xx" +
        (RefusedTotal > 0 ? ", refused " + string.Join(", ", Refused.OrderBy(r => r.Key).Select(r => $"{r.Value:N0} x {r.Key}")) : "") +
        (Unanswered > 0 ? $", {Unanswered:N0} without answer" : "");
}

/// <summary>
/// Steady load for one fault: clients posting the fault's own workload (a fresh run id and phone tag, so every row
/// it causes can be counted) to /v1/interactions at a fixed rate, and on demand Twilio status callbacks signed with
/// the brand's auth token. It remembers every event that got a 2xx, and which generated customer each one belongs to.
/// </summary>
public sealed class Traffic : IAsyncDisposable
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    const string TwilioStatusPath = "/webhooks/twilio/voice/status";

    readonly FaultStack _stack;
    readonly FaultSettings _settings;
    readonly IReadOnlyList<GeneratedInteraction> _items;
    readonly HttpClient _http;
    readonly CancellationTokenSource _stop = new();
    readonly List<Task> _tasks = [];
    readonly Random _random;
    int _next = -1;
    int _twilioSequence;
    CancellationTokenSource? _twilioStop;
    Task? _twilio;

    public BenchRun Run { get; }
    public int Leads { get; }

    /// <summary>Every event that got a 2xx, with the generated customer (lead number) it belongs to.</summary>
    public ConcurrentDictionary<EventKey, int> Accepted { get; } = new();

    /// <summary>Every event posted, answered or not: a row can exist for one whose answer was lost.</summary>
    public ConcurrentDictionary<EventKey, int> Posted { get; } = new();

    public AnswerCounts Interactions { get; } = new();
    public AnswerCounts Twilio { get; } = new();

    /// <summary>Posts of <see cref="PostBulkAsync"/>.</summary>
    public AnswerCounts Bulk { get; } = new();

    public bool Exhausted { get; private set; }

    /// <summary>The Twilio callbacks' external ids start with it ("{CallSid}:status:0").</summary>
    public string CallSidPrefix => $"CA{Run.Id}";

    /// <param name="bulk">Interactions the fault posts at once (<see cref="PostBulkAsync"/>), beside the steady load.</param>
    public Traffic(FaultStack stack, FaultSettings settings, int seed, int expectedSeconds, int bulk = 0)
    {
        _stack = stack;
        _settings = settings;
        _random = new Random(seed);
        Run = BenchRun.New();
        Leads = settings.LeadsPerFault;
        var count = Math.Max(1000, (int)(settings.Rate * expectedSeconds)) + bulk;
        var workload = Workload.Workload.Generate(Run, new WorkloadOptions { Interactions = count, Leads = Leads, Seed = seed }, DateTimeOffset.UtcNow);
        _items = OutOfOrder(workload.Items, settings.OutOfOrder, _random);
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Clients * 2, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = stack.Gateway.BaseAddress,
            Timeout = TimeSpan.FromSeconds(15),
        };
        _http.DefaultRequestHeaders.Add(InteractionEndpoints.ApiKeyHeader, stack.ApiKey);
    }

    /// <summary>
    /// A share of the interactions happened earlier than those posted before them (a provider's late webhook, a
    /// client's backlog): 1-30 s before the previous one. A redelivery keeps its original's time.
    /// </summary>
    static List<GeneratedInteraction> OutOfOrder(IReadOnlyList<GeneratedInteraction> items, double share, Random random)
    {
        var shifted = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var result = new List<GeneratedInteraction>(items.Count);
        DateTimeOffset? previous = null;
        foreach (var item in items)
        {
            var id = item.Request.ExternalEventId!;
            var at = item.Request.OccurredAt!.Value;
            if (item.IsRepeat)
                at = shifted.GetValueOrDefault(id, at);
            else if (previous is { } before && random.NextDouble() < share)
                shifted[id] = at = before.AddMilliseconds(-1000 - random.Next(29_000));
            result.Add(item with { Request = item.Request with { OccurredAt = at } });
            previous = at;
        }
        return result;
    }

    public void Start()
    {
        var pacer = new Pacer(_settings.Rate);
        for (var client = 0; client < _settings.Clients; client++)
            _tasks.Add(Task.Run(() => PostInteractionsAsync(pacer, _stop.Token)));
    }

    async Task PostInteractionsAsync(Pacer pacer, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!await pacer.WaitAsync(stop))
                return;
            var index = Interlocked.Increment(ref _next);
            if (index >= _items.Count)
            {
                Exhausted = true;
                return;
            }
            var item = _items[index];
            var key = new EventKey(item.Request.Channel!, item.Request.ExternalEventId!);
            Posted.TryAdd(key, item.Lead);
            var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(item.Request, Json));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            await SendAsync(Interactions, [(key, item.Lead)], () => _http.PostAsync("/v1/interactions", body, CancellationToken.None));
        }
    }

    /// <summary>
    /// Posts the workload's next <paramref name="count"/> interactions at once, redeliveries left out, as a client
    /// catching up does: in posts of <see cref="InteractionMapper.MaxBatch"/>, 16 posts at a time, so the gateway fills
    /// its messages up to their maximum. Returns the interactions that got a 2xx.
    /// </summary>
    public async Task<IReadOnlyCollection<EventKey>> PostBulkAsync(int count, CancellationToken cancellationToken)
    {
        var first = Interlocked.Add(ref _next, count) - count + 1;
        var posts = _items.Skip(first).Take(count).Where(item => !item.IsRepeat)
            .Chunk(InteractionMapper.MaxBatch)
            .ToList();
        var accepted = new ConcurrentBag<EventKey>();
        await Parallel.ForEachAsync(posts, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (post, _) =>
        {
            var events = post.Select(item => (Key: new EventKey(item.Request.Channel!, item.Request.ExternalEventId!), item.Lead)).ToList();
            foreach (var (key, lead) in events)
                Posted.TryAdd(key, lead);
            var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(
                new InteractionBatchRequest { Interactions = post.Select(item => item.Request).ToList() }, Json));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (await SendAsync(Bulk, events, () => _http.PostAsync("/v1/interactions", body, CancellationToken.None)))
                foreach (var (key, _) in events)
                    accepted.Add(key);
        });
        return accepted;
    }

    /// <summary>Sends one post of <paramref name="events"/>, counts its answer and remembers them as accepted on a 2xx; true on a 2xx.</summary>
    async Task<bool> SendAsync(AnswerCounts counts, IReadOnlyList<(EventKey Key, int Lead)> events, Func<Task<HttpResponseMessage>> send)
    {
        Interlocked.Increment(ref counts.Sent);
        try
        {
            using var response = await send();
            if (response.IsSuccessStatusCode)
            {
                foreach (var (key, lead) in events)
                    Accepted.TryAdd(key, lead);
                Interlocked.Increment(ref counts.Succeeded);
                return true;
            }
            else
            {
                counts.Refused.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
                    Console.WriteLine($"[faults]   {(int)response.StatusCode} for {events[0].Key.Channel} {events[0].Key.ExternalId}" +
                                      (events.Count > 1 ? $" and {events.Count - 1} more" : "") + $": {await response.Content.ReadAsStringAsync()}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            Interlocked.Increment(ref counts.Unanswered);
        }
        return false;
    }

    /// <summary>Starts Twilio status callbacks ("completed", one call each, from the workload's customers).</summary>
    public void StartTwilio()
    {
        _twilioStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var pacer = new Pacer(_settings.TwilioRate);
        var token = _twilioStop.Token;
        _twilio = Task.WhenAll(Enumerable.Range(0, Math.Max(1, _settings.Clients / 2)).Select(_ => Task.Run(async () =>
        {
            while (await pacer.WaitAsync(token))
                await PostTwilioAsync();
        })));
    }

    public async Task StopTwilioAsync()
    {
        if (_twilioStop is null || _twilio is null)
            return;
        await _twilioStop.CancelAsync();
        await _twilio;
    }

    async Task PostTwilioAsync()
    {
        int sequence, lead;
        double shift;
        lock (_random)
        {
            sequence = ++_twilioSequence;
            lead = _random.Next(Leads);
            shift = _random.NextDouble() < _settings.OutOfOrder ? 1 + _random.Next(30) : 0;
        }
        var callSid = $"{CallSidPrefix}{sequence:D6}";
        var at = DateTimeOffset.UtcNow.AddSeconds(-1 - shift);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", "AC" + Run.Id.PadRight(32, '0')),
            new("ApiVersion", "2010-04-01"),
            new("CallSid", callSid),
            new("CallStatus", "completed"),
            new("CallDuration", (20 + sequence % 300).ToString(CultureInfo.InvariantCulture)),
            new("CallbackSource", "call-progress-events"),
            new("Direction", "inbound"),
            new("From", "+91" + Run.NationalPhone(lead)),
            new("To", FaultStack.TwilioNumber),
            new("SequenceNumber", "0"),
            new("Timestamp", at.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000"),
        };
        var key = new EventKey(Channels.Voice, $"{callSid}:status:0");
        Posted.TryAdd(key, lead);
        var url = new Uri(_stack.PublicBaseUrl, TwilioStatusPath).ToString();
        await SendAsync(Twilio, [(key, lead)], () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, TwilioStatusPath) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Add("X-Twilio-Signature", TwilioSignature(url, fields, _stack.TwilioAuthToken));
            return _http.SendAsync(request, CancellationToken.None);
        });
    }

    /// <summary>Twilio's: base64(HMAC-SHA1(auth token, url + each name and value, sorted by name)), as in tests/Proxe.EndToEnd.Tests/Signatures.cs.</summary>
    static string TwilioSignature(string url, IEnumerable<KeyValuePair<string, string>> parameters, string authToken)
    {
        var data = new StringBuilder(url);
        foreach (var group in parameters.GroupBy(p => p.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
            foreach (var value in group.Select(p => p.Value).Distinct().Order(StringComparer.Ordinal))
                data.Append(group.Key).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
        if (_twilio is not null)
            await _twilio;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        _stop.Dispose();
        _twilioStop?.Dispose();
    }

    /// <summary>Hands out send times at a fixed rate to any number of clients; a client that fell behind does not burst to catch up.</summary>
    sealed class Pacer(double perSecond)
    {
        readonly TimeSpan _interval = TimeSpan.FromSeconds(1 / perSecond);
        readonly Lock _lock = new();
        DateTimeOffset _next = DateTimeOffset.UtcNow;

        public async Task<bool> WaitAsync(CancellationToken cancellationToken)
        {
            DateTimeOffset due;
            lock (_lock)
            {
                var now = DateTimeOffset.UtcNow;
                _next = _next + _interval < now - _interval ? now : _next + _interval;
                due = _next;
            }
            var wait = due - DateTimeOffset.UtcNow;
            try
            {
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, cancellationToken);
                return !cancellationToken.IsCancellationRequested;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
