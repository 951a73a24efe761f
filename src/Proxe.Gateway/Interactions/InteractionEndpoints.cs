using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Http;
using Proxe.Gateway.Publishing;

namespace Proxe.Gateway.Interactions;

public static class InteractionEndpoints
{
    public const string ApiKeyHeader = "X-Proxe-Key";

    public static IEndpointRouteBuilder MapInteractionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/interactions", PostInteractions)
            .WithName("PostInteractions")
            .WithTags("Interactions")
            .WithSummary("Log one interaction or a batch of up to 100")
            .WithDescription(
                "Body: one interaction object, or {\"interactions\": [...]} with 1-100 of them (all accepted or none). " +
                "Authenticate with the brand's key in X-Proxe-Key. The gateway sets brand, interaction_id (deterministic from " +
                "brand + channel + external_event_id, so a retry is harmless), received_at and customer.phone_normalized. " +
                "202 comes only after RabbitMQ confirmed every message, or, while the broker cannot take them, after all of them are " +
                "fsync'd in the gateway's spool (X-Proxe-Spooled: true), which publishes them once it is back; 503 when the spool is full.")
            .Accepts<InteractionRequest>("application/json")
            .Produces<InteractionsAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                InteractionExamples.Apply(operation);
                return Task.CompletedTask;
            });
        return app;
    }

    internal static async Task<Results<Accepted<InteractionsAccepted>, ValidationProblem, ProblemHttpResult>> PostInteractions(
        HttpRequest request,
        BrandCatalog brands,
        IInteractionPublisher publisher,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!brands.TryGetByApiKey(request.Headers[ApiKeyHeader], out var brand) || !brands.TryGet(brand, out var settings))
            return GatewayProblems.Unauthorized($"A valid {ApiKeyHeader} header is required.");

        if (!request.HasJsonContentType())
            return GatewayProblems.UnsupportedMediaType("application/json");

        var body = await RequestBody.ReadAsync(request, RequestBody.DefaultLimit, cancellationToken);
        if (body is null)
            return GatewayProblems.PayloadTooLarge(RequestBody.DefaultLimit);

        var (items, isBatch, parseError) = Parse(body, StrictJson);
        if (parseError is not null)
            return parseError;

        if (items.FirstOrDefault(i => i.Brand is not null && i.Brand != brand) is not null)
            return GatewayProblems.Forbidden($"The {ApiKeyHeader} does not belong to the brand in the body.");

        var logger = loggers.CreateLogger(typeof(InteractionEndpoints).FullName!);
        var errors = new Errors();
        if (items.Count is 0 or > InteractionMapper.MaxBatch)
            errors.Add("interactions", $"Send between 1 and {InteractionMapper.MaxBatch} interactions.");

        var now = time.GetUtcNow();
        var interactions = items
            .Select((item, index) => InteractionMapper.Map(item, isBatch ? $"interactions[{index}]." : "", brand, settings, now, errors))
            .ToList();

        if (errors.Count > 0)
        {
            var problems = errors.ToDictionary();
            logger.LogInformation("Refused {Count} interaction(s) for brand {Brand}: invalid {Fields}", items.Count, brand, string.Join(", ", problems.Keys));
            return TypedResults.ValidationProblem(problems);
        }

        var accepted = interactions.Select(i => i!).ToList();
        await publisher.PublishAsync(accepted, cancellationToken);

        // Routine acceptances are in the traces and the publish metrics (a console line per request cost about a third of
        // what its publish does, profiled).
        logger.LogDebug("Accepted {Count} interaction(s) for brand {Brand}: {InteractionIds}", accepted.Count, brand, accepted.Select(i => i.InteractionId));
        return TypedResults.Accepted((string?)null, new InteractionsAccepted(accepted.Select(i => i.InteractionId).ToList()));
    }

    private static (List<InteractionRequest> Items, bool IsBatch, ValidationProblem? Error) Parse(byte[] body, JsonSerializerOptions options)
    {
        if (!Utf8.IsValid(body))
            return ([], false, Problem("$", "The body is not valid UTF-8."));

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return ([], false, Problem("$", "The body must be one interaction object or {\"interactions\": [...]}."));

            if (document.RootElement.TryGetProperty("interactions", out _))
            {
                var batch = document.RootElement.Deserialize<InteractionBatchRequest>(options);
                return (batch?.Interactions ?? [], true, null);
            }

            var single = document.RootElement.Deserialize<InteractionRequest>(options);
            return (single is null ? [] : [single], false, null);
        }
        catch (JsonException ex)
        {
            // The message names the field and the expected type; it never echoes the value.
            var message = ex.Message.Split(" Path:")[0].Split(" LineNumber:")[0];
            return ([], false, Problem(ex.Path ?? "$", string.IsNullOrEmpty(message) ? "Malformed JSON." : message));
        }
    }

    private static ValidationProblem Problem(string path, string message)
    {
        var field = path == "$" ? "$" : path.TrimStart('$').TrimStart('.');
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request body is not valid JSON for this endpoint.");
    }

    /// <summary>Unknown fields are refused, so a misspelt field fails loudly instead of vanishing.</summary>
    private static readonly JsonSerializerOptions StrictJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // Lone surrogates reach the contract, which names the field, instead of failing the whole body here.
        Converters = { new LenientStringConverter() },
    };
}
