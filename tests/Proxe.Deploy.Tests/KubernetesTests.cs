using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Proxe.Contracts;
using Proxe.Messaging;

namespace Proxe.Deploy.Tests;

/// <summary>
/// deploy/k8s against the Kubernetes API schemas (kubernetes-models, generated from the Kubernetes OpenAPI spec, and
/// @kubernetes-models/keda from KEDA's CRDs; see k8s/package.json), then what PROXe needs of the manifests.
/// The schemas check types, required fields and enums; they allow unknown fields, so the facts below are checked by name.
/// </summary>
public sealed class KubernetesTests
{
    const string NodeHint = "install Node.js and npm (Debian: apt-get install nodejs npm)";
    static readonly string ValidatorDirectory = Repo.PathOf("tests/Proxe.Deploy.Tests/k8s");
    static readonly Lazy<IReadOnlyList<string>> Resources = new(() =>
        Assert.Single(Repo.YamlDocuments(Repo.Read("deploy/k8s/kustomization.yaml")))["resources"]!.AsArray().Select(r => (string)r!).ToList());

    static IEnumerable<JsonNode> Manifests() =>
        Resources.Value.SelectMany(file => Repo.YamlDocuments(Repo.Read($"deploy/k8s/{file}")));

    static JsonNode Manifest(string kind, string name) =>
        Assert.Single(Manifests(), m => (string?)m["kind"] == kind && (string?)m["metadata"]!["name"] == name);

    /// <summary>A program's pods: a Deployment, or the gateway's StatefulSet (each gateway keeps its spool volume).</summary>
    static JsonNode Workload(string name) =>
        Assert.Single(Manifests(), m => (string?)m["kind"] is "Deployment" or "StatefulSet" && (string?)m["metadata"]!["name"] == name);

    static void EnsureValidatorInstalled()
    {
        lock (ValidatorDirectory)
        {
            if (!Directory.Exists(Path.Combine(ValidatorDirectory, "node_modules")))
            {
                var (installed, log) = Repo.Run("npm", "ci --no-audit --no-fund", NodeHint, workingDirectory: ValidatorDirectory);
                Assert.True(installed == 0, $"npm ci in {ValidatorDirectory} failed:\n{log}");
            }
        }
    }

    [Fact]
    public void Every_manifest_of_the_kustomization_passes_the_Kubernetes_and_KEDA_schemas()
    {
        EnsureValidatorInstalled();
        var files = string.Join(' ', Resources.Value.Select(file => $"\"{Repo.PathOf($"deploy/k8s/{file}")}\""));

        var (exitCode, output) = Repo.Run("node", $"validate.mjs {files}", NodeHint, workingDirectory: ValidatorDirectory);

        Assert.True(exitCode == 0, $"schema validation failed:\n{output}");
        // Every document was checked against a schema, the KEDA ones included.
        Assert.Equal(Manifests().Count(), Regex.Matches(output, "^ok ", RegexOptions.Multiline).Count);
        Assert.Contains("ScaledObject/proxe-workers (keda.sh/v1alpha1)", output);
    }

    [Fact]
    public void The_validator_rejects_what_the_schemas_forbid()
    {
        EnsureValidatorInstalled();
        var broken = Path.Combine(Path.GetTempPath(), $"proxe-broken-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(broken, Repo.Read("deploy/k8s/workers.yaml").Replace("minReplicaCount: 1", "minReplicaCount: one")
            .Replace("terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: \"45s\""));
        try
        {
            var (exitCode, output) = Repo.Run("node", $"validate.mjs \"{broken}\"", NodeHint, workingDirectory: ValidatorDirectory);

            Assert.Equal(1, exitCode);
            Assert.Contains("ScaledObject/proxe-workers: data/spec/minReplicaCount must be integer", output);
            Assert.Contains("Deployment/proxe-workers: data/spec/template/spec/terminationGracePeriodSeconds must be integer", output);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Theory]
    [InlineData("proxe-gateway")]
    [InlineData("proxe-workers")]
    [InlineData("proxe-dashboard")]
    public void Each_program_has_probes_on_the_health_endpoints_resources_and_a_metrics_scrape(string name)
    {
        var pod = Workload(name)["spec"]!["template"]!;
        var container = Assert.Single(pod["spec"]!["containers"]!.AsArray())!;

        Assert.Equal("/health/ready", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/health/live", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
        Assert.NotNull(container["resources"]!["requests"]!["memory"]);
        Assert.NotNull(container["resources"]!["limits"]!["memory"]);
        Assert.Equal("/metrics", (string?)pod["metadata"]!["annotations"]!["prometheus.io/path"]);
        Assert.Contains(container["env"]!.AsArray(), e => (string?)e!["name"] == "OTEL_EXPORTER_OTLP_ENDPOINT");
    }

    [Theory]
    [InlineData("proxe-gateway")]
    [InlineData("proxe-workers")]
    public void A_disruption_budget_covers_the_gateway_and_the_workers(string name)
    {
        var budget = Manifest("PodDisruptionBudget", name)["spec"]!;
        var labels = Workload(name)["spec"]!["template"]!["metadata"]!["labels"]!;

        Assert.Equal(labels.ToJsonString(), budget["selector"]!["matchLabels"]!.ToJsonString());
    }

    [Fact]
    public void KEDA_scales_the_workers_on_every_queue_they_consume()
    {
        var scaledObject = Manifest("ScaledObject", "proxe-workers")["spec"]!;
        var queues = scaledObject["triggers"]!.AsArray().Where(t => (string?)t!["type"] == "rabbitmq").Select(t => (string)t!["metadata"]!["queueName"]!);

        Assert.Equal("proxe-workers", (string?)scaledObject["scaleTargetRef"]!["name"]);
        Assert.Equal(ConsumedQueues().Order(StringComparer.Ordinal), queues.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_cluster_definitions_make_quorum_queues_with_a_delivery_limit_for_every_consumed_queue()
    {
        var definitions = JsonNode.Parse(Repo.Read("deploy/k8s/rabbitmq/definitions.json"))!;
        var vhost = Assert.Single(definitions["vhosts"]!.AsArray())!;
        var policy = Assert.Single(definitions["policies"]!.AsArray())!;
        var deadLetters = (string)policy["definition"]!["dead-letter-exchange"]!;

        Assert.Equal("quorum", (string?)vhost["metadata"]!["default_queue_type"]);
        Assert.Equal("quorum_queues", (string?)policy["apply-to"]);
        Assert.InRange((int)policy["definition"]!["delivery-limit"]!, 5, 100);
        foreach (var queue in ConsumedQueues())
            Assert.Matches((string)policy["pattern"]!, queue);
        Assert.DoesNotMatch((string)policy["pattern"]!, MessagingTopology.QueueFor(Channels.Web) + "_error");
        Assert.DoesNotMatch((string)policy["pattern"]!, MessagingTopology.InteractionsQueue + "_error");
        // Messages over the limit land in a queue that the error-queue alert and `proxe dlq` see.
        var binding = Assert.Single(definitions["bindings"]!.AsArray(), b => (string?)b!["source"] == deadLetters)!;
        Assert.EndsWith("_error", (string)binding["destination"]!);
        Assert.Contains(definitions["queues"]!.AsArray(), q => (string?)q!["name"] == (string?)binding["destination"]);
        Assert.Contains("definitions.local.path = /etc/rabbitmq/definitions.json", Repo.Read("deploy/k8s/rabbitmq/rabbitmq.conf"));
    }

    internal static IEnumerable<string> ConsumedQueues() =>
        [MessagingTopology.InteractionsQueue, .. Channels.All.Select(MessagingTopology.QueueFor), MessagingTopology.LeadJourneyQueue];
}
