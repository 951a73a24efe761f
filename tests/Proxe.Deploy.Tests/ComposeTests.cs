using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Proxe.Messaging;

namespace Proxe.Deploy.Tests;

/// <summary>docker-compose.yml as Debian's docker-compose reads it (deploy/local/start.sh installs the package).</summary>
public sealed class ComposeTests
{
    const string InstallHint = "install Debian's docker-compose package (deploy/local/start.sh does: apt-get install docker-compose)";

    static readonly Dictionary<string, string> Environment = new()
    {
        ["PROXE_DEMO_API_KEY"] = "compose-test-api-key-0123456789",
        ["PROXE_DEMO_WEB_SECRET"] = "compose-test-web-secret",
        ["PROXE_DEMO_DASHBOARD_KEY"] = "compose-test-dashboard-key",
    };

    static (int ExitCode, string Output) Compose(string arguments) =>
        Repo.Run("docker-compose", $"-f docker-compose.yml {arguments}", InstallHint, Environment);

    static JsonNode Rendered()
    {
        var (exitCode, output) = Compose("config");
        Assert.True(exitCode == 0, $"docker-compose config failed:\n{output}");
        return Assert.Single(Repo.YamlDocuments(output));
    }

    [Fact]
    public void Docker_compose_accepts_the_file()
    {
        var (exitCode, output) = Compose("config -q");

        Assert.True(exitCode == 0, $"docker-compose config -q failed:\n{output}");
    }

    [Fact]
    public void The_stack_has_the_databases_the_programs_and_the_telemetry()
    {
        var services = Rendered()["services"]!.AsObject().Select(s => s.Key).Order(StringComparer.Ordinal);

        Assert.Equal(["dashboard", "gateway", "jaeger", "migrate", "otel-collector", "postgres", "prometheus", "rabbitmq", "workers"], services);
    }

    [Fact]
    public void Workers_scale_as_competing_consumers_with_no_name_or_host_port_of_their_own()
    {
        var workers = Rendered()["services"]!["workers"]!;

        Assert.Null(workers["container_name"]);
        Assert.Null(workers["ports"]);
        Assert.Equal("service_completed_successfully", (string?)workers["depends_on"]!["migrate"]!["condition"]);
    }

    [Fact]
    public void The_programs_come_from_the_one_Dockerfile_and_export_over_OTLP_to_the_collector()
    {
        var services = Rendered()["services"]!;

        foreach (var (name, program) in new[] { ("gateway", "Gateway"), ("workers", "Workers"), ("dashboard", "Dashboard"), ("migrate", "Cli") })
        {
            Assert.Equal(program, (string?)services[name]!["build"]!["args"]!["SERVICE"]);
            Assert.Equal(Repo.Root, (string?)services[name]!["build"]!["context"]);
        }
        foreach (var name in new[] { "gateway", "workers", "dashboard" })
            Assert.Equal("http://otel-collector:4317", (string?)services[name]!["environment"]!["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    [Fact]
    public void RabbitMQ_runs_the_management_and_Prometheus_plugins_and_Prometheus_scrapes_it_per_queue()
    {
        var rabbitmq = Rendered()["services"]!["rabbitmq"]!;
        var plugins = Repo.Read("deploy/docker/enabled_plugins");

        Assert.Contains(rabbitmq["volumes"]!.AsArray(), v => v!.ToJsonString().Contains("/etc/rabbitmq/enabled_plugins", StringComparison.Ordinal));
        Assert.Contains("rabbitmq_management", plugins);
        Assert.Contains("rabbitmq_prometheus", plugins);

        var prometheus = Assert.Single(Repo.YamlDocuments(Repo.Read("deploy/otel/prometheus.yml")));
        var jobs = prometheus["scrape_configs"]!.AsArray().ToDictionary(j => (string)j!["job_name"]!);
        Assert.Equal("/metrics/per-object", (string?)jobs["rabbitmq"]!["metrics_path"]);
        Assert.Equal("rabbitmq:15692", (string?)jobs["rabbitmq"]!["static_configs"]![0]!["targets"]![0]);
        Assert.Equal(["gateway", "workers", "dashboard"], jobs["proxe"]!["dns_sd_configs"]![0]!["names"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void The_collector_sends_traces_to_Jaeger_and_metrics_to_Prometheus()
    {
        var collector = Assert.Single(Repo.YamlDocuments(Repo.Read("deploy/otel/collector.yaml")));
        var pipelines = collector["service"]!["pipelines"]!;

        Assert.Equal(["otlp"], pipelines["traces"]!["receivers"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["otlp/jaeger"], pipelines["traces"]!["exporters"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("jaeger:4317", (string?)collector["exporters"]!["otlp/jaeger"]!["endpoint"]);
        Assert.Equal(["prometheus"], pipelines["metrics"]!["exporters"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void The_alert_rules_watch_error_queues_lag_spool_and_consumers()
    {
        var rules = Assert.Single(Repo.YamlDocuments(Repo.Read("deploy/otel/alerts.yml")))["groups"]![0]!["rules"]!.AsArray()
            .ToDictionary(r => (string)r!["alert"]!, r => (string)r!["expr"]!);

        Assert.Contains("rabbitmq_queue_messages{queue=~\".*_error\"}", rules["ProxeDeadLettersGrowing"]);
        Assert.Contains("proxe_interaction_lag_seconds_bucket", rules["ProxeIngestLagHigh"]);
        Assert.Contains("proxe_journey_lag_seconds_bucket", rules["ProxeJourneyLagHigh"]);
        Assert.Contains("proxe_spool_oldest_age_seconds", rules["ProxeSpoolNotDraining"]);
        Assert.Contains("rabbitmq_queue_consumers", rules["ProxeQueueWithoutConsumers"]);
        // Prometheus anchors a label regex at both ends: it must match every queue the workers consume, and no _error queue.
        var consumed = new Regex($"^(?:{Regex.Match(rules["ProxeQueueWithoutConsumers"], "queue=~\"([^\"]+)\"").Groups[1].Value})$");
        foreach (var queue in KubernetesTests.ConsumedQueues())
            Assert.Matches(consumed, queue);
        Assert.DoesNotMatch(consumed, MessagingTopology.InteractionsQueue + "_error");
    }

    [Fact]
    public void The_Dockerfile_builds_in_one_stage_and_runs_as_a_non_root_user_in_another()
    {
        var lines = Repo.Read("Dockerfile").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var stages = lines.Select((line, index) => (line, index)).Where(l => l.line.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, stages.Count);
        Assert.Contains("/dotnet/sdk:", stages[0].line);
        Assert.Contains("/dotnet/aspnet:", stages[1].line);
        var final = lines.Skip(stages[1].index).ToList();
        Assert.Contains(final, l => l.StartsWith("COPY --from=build ", StringComparison.Ordinal));
        var user = Assert.Single(final, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain(user["USER ".Length..].Trim(), new[] { "root", "0", "0:0" });
        Assert.DoesNotContain(lines, l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal) && lines.IndexOf(l) > stages[1].index);
    }
}
