using Proxe.Domain;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Proxe.Cli.Demo;

/// <summary>POST /v1/interactions with the brand's key, turning every refusal into a message an operator can act on.</summary>
public sealed class DemoGateway(HttpClient client, string apiKey)
{
    public const string ApiKeyHeader = "X-Proxe-Key";

    public Uri Address => client.BaseAddress ?? throw new InvalidOperationException("The gateway client needs a BaseAddress.");

    /// <returns>The interaction id the gateway assigned.</returns>
    public async Task<Guid> PostAsync(DemoInteraction interaction, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/interactions")
        {
            Content = JsonContent.Create(interaction, options: DemoInteraction.Json),
        };
        request.Headers.Add(ApiKeyHeader, apiKey);

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"Cannot reach the gateway at {Address}: {e.Message.TrimEnd('.')}. Is ./run.sh running? (--gateway sets the address.)");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"The gateway at {Address} did not answer within {client.Timeout.TotalSeconds:0} seconds.");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.Accepted => AcceptedId(body),
                HttpStatusCode.Unauthorized => throw new CliException(
                    $"The gateway refused the key (401 Unauthorized). Pass the brand's {ApiKeyHeader} with --key or set " +
                    $"{DemoCommand.ApiKeyVariable} (./run.sh writes it to .proxe/local.env)."),
                HttpStatusCode.Forbidden => throw new CliException(
                    $"The key does not belong to brand '{interaction.Brand}' (403 Forbidden). Pass --brand with the key's brand."),
                HttpStatusCode.ServiceUnavailable => throw new CliException(
                    $"The gateway cannot hand messages to RabbitMQ right now (503 Service Unavailable{RetryAfter(response)}). " +
                    $"{Problem(body).Detail} Nothing of this step was accepted; run the demo again once the broker is back."),
                HttpStatusCode.BadRequest => throw new CliException(Invalid(interaction, Problem(body))),
                var status => throw new CliException(
                    $"The gateway answered {(int)status} {response.ReasonPhrase} to {interaction.Channel} event {interaction.ExternalEventId}. " +
                    $"{Problem(body).Title} {Problem(body).Detail}".TrimEnd()),
            };
        }
    }

    static Guid AcceptedId(string body) =>
        JsonSerializer.Deserialize<Accepted>(body, DemoInteraction.Json)?.InteractionIds.FirstOrDefault() is { } id && id != Guid.Empty
            ? id
            : throw new CliException($"The gateway answered 202 without an interaction id: {body}");

    static string RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => $", retry after {delta.TotalSeconds:0} s",
        { Date: { } date } => $", retry after {date:u}",
        _ => "",
    };

    static string Invalid(DemoInteraction interaction, ProblemDetails problem)
    {
        var lines = new List<string>
        {
            $"The gateway refused {interaction.Channel} event {interaction.ExternalEventId} (400 Bad Request): {problem.Title ?? "invalid request"}",
        };
        lines.AddRange((problem.Errors ?? []).SelectMany(e => e.Value.Select(message => $"  {e.Key}: {message}")));
        if (problem.Errors is not { Count: > 0 } && problem.Detail is not null)
            lines.Add("  " + problem.Detail);
        return string.Join(Environment.NewLine, lines);
    }

    static ProblemDetails Problem(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<ProblemDetails>(body, DemoInteraction.Json) ?? new ProblemDetails();
        }
        catch (JsonException)
        {
            return new ProblemDetails { Detail = Text.Truncate(body, 200 + Text.Ellipsis.Length) };
        }
    }

    sealed record Accepted(IReadOnlyList<Guid> InteractionIds);

    /// <summary>RFC 7807, with the "errors" of a validation problem.</summary>
    sealed record ProblemDetails
    {
        public string? Title { get; init; }
        public string? Detail { get; init; }
        public Dictionary<string, string[]>? Errors { get; init; }
    }
}
