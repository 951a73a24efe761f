using System.Globalization;
using System.Text.RegularExpressions;

namespace Proxe.Bench.Load;

/// <summary>
/// What the services themselves measured during a pass, read from their Prometheus endpoints before and after it: the
/// gateway's posts and broker confirms over the ack target, and each service's garbage-collection pauses. Beside the
/// client's figures it tells where a slow answer was slow.
/// </summary>
sealed partial class ServiceCounters
{
    const string Requests = "http_server_request_duration_seconds";
    const string Confirms = "proxe_publish_duration_seconds";
    const string GcPause = "dotnet_gc_pause_time_seconds_total";

    readonly Dictionary<string, double> _values = [];
    readonly HashSet<string> _answered = [];

    public static async Task<ServiceCounters> ReadAsync(HttpClient http, Uri gateway, Uri workers, double targetSeconds, CancellationToken cancellationToken)
    {
        var counters = new ServiceCounters();
        foreach (var (service, url) in new[] { ("gateway", gateway), ("workers", workers) })
        {
            string text;
            try
            {
                text = await http.GetStringAsync(new Uri(url, "/metrics"), cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                continue;
            }
            counters._answered.Add(service);
            foreach (var line in text.Split('\n'))
            {
                var space = line.LastIndexOf(' ');
                if (line.StartsWith('#') || space < 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    continue;
                var name = line.Split('{', ' ')[0];
                var posted = line.Contains("http_request_method=\"POST\"", StringComparison.Ordinal)
                             && (line.Contains("http_route=\"/v1/", StringComparison.Ordinal) || line.Contains("http_route=\"/webhooks/", StringComparison.Ordinal));
                var key = name switch
                {
                    Requests + "_count" when posted => "requests",
                    Requests + "_bucket" when posted && IsBucket(line, targetSeconds) => "requests in target",
                    Confirms + "_count" => "confirms",
                    Confirms + "_bucket" when IsBucket(line, targetSeconds) => "confirms in target",
                    GcPause => "gc pause",
                    _ => null,
                };
                if (key is not null)
                    counters._values[$"{service} {key}"] = counters._values.GetValueOrDefault($"{service} {key}") + value;
            }
        }
        return counters;
    }

    static bool IsBucket(string line, double seconds) =>
        Le().Match(line) is { Success: true } le && double.TryParse(le.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound)
                                                 && Math.Abs(bound - seconds) < 1e-9;

    [GeneratedRegex("le=\"([^\"]+)\"")]
    private static partial Regex Le();

    public string Since(ServiceCounters before, int targetMs)
    {
        if (!_answered.Contains("gateway") || !before._answered.Contains("gateway"))
            return "Services   the gateway's /metrics did not answer";
        double Change(string key) => _values.GetValueOrDefault(key) - before._values.GetValueOrDefault(key);

        // A service restarted during the pass starts its counters again: its deltas would mean nothing.
        string Over(string what)
        {
            var all = Change($"gateway {what}");
            if (all < 0)
                return "n/a (restarted)";
            if (all > 0 && !_values.ContainsKey($"gateway {what} in target"))
                return $"? (no {targetMs} ms bucket)";
            return $"{all - Change($"gateway {what} in target"):N0} of {all:N0}";
        }

        string Paused(string service) => !_answered.Contains(service) || !before._answered.Contains(service) ? "n/a"
            : Change($"{service} gc pause") is var seconds and >= 0 ? $"{seconds * 1000:N0} ms" : "n/a (restarted)";

        return $"Services   gateway: {Over("requests")} posts over {targetMs} ms by its own clock (any status), {Over("confirms")} broker messages " +
               $"confirmed after {targetMs} ms; GC paused gateway {Paused("gateway")}, workers {Paused("workers")}";
    }
}
