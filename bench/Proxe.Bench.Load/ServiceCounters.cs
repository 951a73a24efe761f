using System.Globalization;

namespace Proxe.Bench.Load;

/// <summary>
/// What the services themselves measured during a pass, read from their Prometheus endpoints before and after it: the
/// gateway's requests and broker confirms over the ack target, and each service's garbage-collection pauses. Beside the
/// generator's own figure it tells where a slow answer was slow.
/// </summary>
sealed class ServiceCounters(Dictionary<string, double> values)
{
    readonly Dictionary<string, double> _values = values;

    const string Requests = "http_server_request_duration_seconds";
    const string Confirms = "proxe_publish_duration_seconds";
    const string GcPause = "dotnet_gc_pause_time_seconds_total";

    public static async Task<ServiceCounters> ReadAsync(HttpClient http, Uri gateway, Uri workers, double targetSeconds, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, double>();
        foreach (var (service, url) in new[] { ("gateway", gateway), ("workers", workers) })
        {
            string text;
            try
            {
                text = await http.GetStringAsync(new Uri(url, "/metrics"), cancellationToken);
            }
            catch (HttpRequestException)
            {
                continue;
            }
            foreach (var line in text.Split('\n'))
            {
                var space = line.LastIndexOf(' ');
                if (line.StartsWith('#') || space < 0)
                    continue;
                var name = line.Split('{', ' ')[0];
                var posted = line.Contains("/webhooks/", StringComparison.Ordinal) || line.Contains("/v1/", StringComparison.Ordinal);
                var key = name switch
                {
                    Requests + "_count" when posted => $"{service} requests",
                    Requests + "_bucket" when posted && IsTargetBucket(line, targetSeconds) => $"{service} requests in target",
                    Confirms + "_count" => $"{service} confirms",
                    Confirms + "_bucket" when IsTargetBucket(line, targetSeconds) => $"{service} confirms in target",
                    GcPause => $"{service} gc pause",
                    _ => null,
                };
                if (key is not null && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    values[key] = values.GetValueOrDefault(key) + value;
            }
        }
        return new ServiceCounters(values);
    }

    static bool IsTargetBucket(string line, double targetSeconds) =>
        line.Contains($"le=\"{targetSeconds.ToString(CultureInfo.InvariantCulture)}\"", StringComparison.Ordinal);

    public string Since(ServiceCounters before, int targetMs)
    {
        double Delta(string key) => _values.GetValueOrDefault(key) - before._values.GetValueOrDefault(key);
        var requests = Delta("gateway requests");
        var confirms = Delta("gateway confirms");
        return $"Services   gateway: {requests - Delta("gateway requests in target"):N0} of {requests:N0} requests over {targetMs} ms by its own clock, " +
               $"{confirms - Delta("gateway confirms in target"):N0} of {confirms:N0} broker messages confirmed after {targetMs} ms; " +
               $"GC paused gateway {Delta("gateway gc pause") * 1000:N0} ms, workers {Delta("workers gc pause") * 1000:N0} ms";
    }
}
