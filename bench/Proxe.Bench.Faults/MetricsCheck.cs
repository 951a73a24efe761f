namespace Proxe.Bench.Faults;

/// <summary>
/// What ops alert on must be there after the faults, on real processes: the series README "Alerts worth having" names,
/// read from each service's /metrics once the last fault has drained.
/// </summary>
public static class MetricsCheck
{
    static readonly string[] Workers =
    [
        "proxe_interaction_lag_seconds_count", "proxe_journey_lag_seconds_count", "proxe_transaction_size_count",
        "messaging_masstransit_receive_ea_total", "messaging_masstransit_consume_ea_total", "db_client_operation_duration_seconds_count",
    ];

    static readonly string[] Gateway = ["http_server_request_duration_seconds_count", "messaging_masstransit_send_ea_total", "proxe_spool_depth"];

    /// <summary>"service: series" for every required series a service does not expose.</summary>
    public static async Task<IReadOnlyList<string>> MissingAsync(FaultSettings settings, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var missing = new List<string>();
        foreach (var (service, port, series) in new[] { ("workers", settings.WorkersPort, Workers), ("gateway", settings.GatewayPort, Gateway) })
        {
            var scrape = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", cancellationToken);
            missing.AddRange(series.Where(name => !scrape.Contains($"\n{name}{{", StringComparison.Ordinal)).Select(name => $"{service}: {name}"));
        }
        return missing;
    }
}
