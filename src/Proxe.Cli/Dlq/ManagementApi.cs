using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;

namespace Proxe.Cli.Dlq;

/// <summary>The one thing AMQP cannot tell: which queues exist. Counts come from AMQP, which is exact, not sampled.</summary>
public static class ManagementApi
{
    public static async Task<IReadOnlyList<string>> QueueNamesAsync(Broker broker, CancellationToken cancellationToken)
    {
        var user = broker.ManagementUser;
        using var http = new HttpClient { BaseAddress = broker.ManagementUri, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{broker.ManagementPassword}")));

        var where = $"RabbitMQ management API at {broker.ManagementUri}";
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync($"api/queues/{Uri.EscapeDataString(broker.VirtualHost)}?columns=name", cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"{where} is unreachable: {e.Message} Pass --management or set ${Broker.ManagementVariable}.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{where} did not answer within {http.Timeout.TotalSeconds:0} seconds.");
        }

        using (response)
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    throw new CliException($"{where} refused the login of user '{user}': wrong user name or password, or no management tag.");
                case HttpStatusCode.NotFound:
                    throw new CliException($"{where} does not know virtual host '{broker.VirtualHost}'.");
                case var status when !response.IsSuccessStatusCode:
                    throw new CliException($"{where} answered {(int)status} {response.ReasonPhrase}.");
            }

            var queues = await response.Content.ReadFromJsonAsync<List<QueueName>>(cancellationToken) ?? [];
            return queues.Select(q => q.Name).ToList();
        }
    }

    private sealed record QueueName([property: JsonPropertyName("name")] string Name);
}
