using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Npgsql;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Journey;

/// <summary>
/// The saga repository on PostgreSQL (MassTransit's EF package is not available), optimistic concurrency on
/// lead_journeys.version: a read, then one statement that saves the journey and projects it onto all_leads (its own
/// implicit transaction, one round trip). A lost race throws and the endpoint's retry replays the event on the fresh
/// state; two first events racing to insert the same journey end the same way, via the primary key.
/// </summary>
public sealed class LeadJourneyRepositoryContextFactory(NpgsqlDataSource dataSource,
    ISagaConsumeContextFactory<LeadJourneyDatabase, LeadJourneyState> factory) : ISagaRepositoryContextFactory<LeadJourneyState>
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<LeadJourneyState, T>> next)
        where T : class
    {
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await next.Send(new LeadJourneyRepositoryContext<T>(new LeadJourneyDatabase(connection), context, factory));
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<LeadJourneyState> query, IPipe<SagaRepositoryQueryContext<LeadJourneyState, T>> next)
        where T : class =>
        throw new NotImplementedByDesignException("Lead journeys are correlated by lead id only.");

    public void Probe(ProbeContext context) => context.Add("persistence", "postgresql");
}

public sealed class LeadJourneyRepositoryContext<TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<LeadJourneyState, TMessage>
    where TMessage : class
{
    readonly LeadJourneyDatabase database;
    readonly ConsumeContext<TMessage> context;
    readonly ISagaConsumeContextFactory<LeadJourneyDatabase, LeadJourneyState> factory;

    public LeadJourneyRepositoryContext(LeadJourneyDatabase database, ConsumeContext<TMessage> context,
        ISagaConsumeContextFactory<LeadJourneyDatabase, LeadJourneyState> factory)
        : base(context, database)
    {
        this.database = database;
        this.context = context;
        this.factory = factory;
    }

    public Task<SagaConsumeContext<LeadJourneyState, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, LeadJourneyState instance,
        SagaConsumeContextMode mode) where T : class =>
        factory.CreateSagaConsumeContext(database, consumeContext, instance, mode);

    public Task<SagaConsumeContext<LeadJourneyState, TMessage>> Add(LeadJourneyState instance) =>
        factory.CreateSagaConsumeContext(database, context, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<LeadJourneyState, TMessage>> Insert(LeadJourneyState instance)
    {
        await database.InsertAsync(instance, CancellationToken);
        return await factory.CreateSagaConsumeContext(database, context, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<LeadJourneyState, TMessage>> Load(Guid correlationId)
    {
        var instance = await database.LoadAsync(correlationId, CancellationToken);
        return instance is null ? null! : await factory.CreateSagaConsumeContext(database, context, instance, SagaConsumeContextMode.Load);
    }

    public Task Save(SagaConsumeContext<LeadJourneyState> context) => database.InsertAsync(context.Saga, CancellationToken);

    public Task Update(SagaConsumeContext<LeadJourneyState> context) => database.UpdateAsync(context.Saga, CancellationToken);

    public Task Delete(SagaConsumeContext<LeadJourneyState> context) => database.DeleteAsync(context.Saga, CancellationToken);

    public Task Discard(SagaConsumeContext<LeadJourneyState> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<LeadJourneyState> context) => Task.CompletedTask;
}

/// <summary>lead_journeys rows, and the journey's projection onto all_leads, inside the repository's transaction.</summary>
public sealed class LeadJourneyDatabase(NpgsqlConnection connection)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<LeadJourneyState?> LoadAsync(Guid correlationId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT state, version, current_state FROM lead_journeys WHERE correlation_id = @id")
            .With("id", correlationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;

        var instance = JsonSerializer.Deserialize<LeadJourneyState>(reader.GetString(0), Json)!;
        instance.CorrelationId = correlationId;
        instance.Version = reader.GetInt32(1);
        instance.CurrentState = reader.GetString(2);
        return instance;
    }

    public async Task InsertAsync(LeadJourneyState instance, CancellationToken cancellationToken)
    {
        instance.Version = Math.Max(instance.Folded, 1);
        await using var command = StateCommand($"""
            WITH journey AS (
                INSERT INTO lead_journeys (correlation_id, brand, current_state, version, channels, cross_channel_published_at, state)
                VALUES (@id, @brand, @current_state, @version, @channels, @cross_channel_published_at, @state)
                RETURNING correlation_id),
            {Projection}
            SELECT count(*) FROM journey
            """, instance);
        await command.ExecuteScalarAsync(cancellationToken);
        instance.Folded = 0;
    }

    public async Task UpdateAsync(LeadJourneyState instance, CancellationToken cancellationToken)
    {
        var expected = instance.Version;
        instance.Version = expected + Math.Max(instance.Folded, 1);
        await using var command = StateCommand($"""
            WITH journey AS (
                UPDATE lead_journeys
                SET current_state = @current_state, version = @version, channels = @channels,
                    cross_channel_published_at = @cross_channel_published_at, state = @state
                WHERE correlation_id = @id AND version = @expected
                RETURNING correlation_id),
            {Projection}
            SELECT count(*) FROM journey
            """, instance).With("expected", expected);
        if ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0)
        {
            instance.Version = expected;
            throw new ConcurrencyException($"Lead journey {instance.CorrelationId} changed since version {expected} was read.",
                typeof(LeadJourneyState), instance.CorrelationId);
        }
        instance.Folded = 0;
    }

    public async Task DeleteAsync(LeadJourneyState instance, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("DELETE FROM lead_journeys WHERE correlation_id = @id AND version = @expected")
            .With("id", instance.CorrelationId)
            .With("expected", instance.Version);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            throw new ConcurrencyException($"Lead journey {instance.CorrelationId} changed since version {instance.Version} was read.",
                typeof(LeadJourneyState), instance.CorrelationId);
    }

    NpgsqlCommand StateCommand(string sql, LeadJourneyState instance) => connection.Command(sql)
        .With("id", instance.CorrelationId)
        .With("brand", instance.Brand)
        .With("current_state", instance.CurrentState)
        .With("version", instance.Version)
        .With("channels", instance.Journey.ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
        .With("cross_channel_published_at", instance.CrossChannelPublishedAt)
        .WithJson("state", JsonSerializer.Serialize(instance, Json))
        .With("last_touchpoint", instance.LastTouchpoint)
        .With("last_interaction_at", instance.LastInteractionAt)
        .WithJson("unified_context", UnifiedContext(instance).ToJsonString());

    /// <summary>
    /// The lead row shows the journey, in the statement that saved it (only when it saved it). The touchpoint moves
    /// only forward in time: the worker that created the lead may already have stored a newer interaction than any
    /// this journey has seen.
    /// </summary>
    const string Projection = """
        lead AS (
            UPDATE all_leads
            SET last_touchpoint = CASE WHEN last_interaction_at IS NULL OR @last_interaction_at >= last_interaction_at
                                       THEN @last_touchpoint ELSE last_touchpoint END,
                last_interaction_at = greatest(last_interaction_at, @last_interaction_at),
                unified_context = @unified_context
            WHERE id IN (SELECT correlation_id FROM journey) AND brand = @brand)
        """;

    static JsonObject UnifiedContext(LeadJourneyState instance)
    {
        var channels = new JsonObject();
        foreach (var channel in instance.Journey)
        {
            var activity = instance.Channels[channel];
            channels[channel] = new JsonObject
            {
                ["interactions"] = activity.Interactions,
                ["messages"] = activity.Messages,
                ["first_at"] = activity.FirstAt,
                ["last_at"] = activity.LastAt,
                ["latest_summary"] = activity.LatestSummary,
            };
        }

        return new JsonObject
        {
            ["journey"] = new JsonArray(instance.Journey.Select(channel => (JsonNode?)channel).ToArray()),
            ["cross_channel"] = instance.Channels.Count > 1,
            ["channels"] = channels,
            ["booking"] = instance.Booking is null ? null : JsonSerializer.SerializeToNode(instance.Booking, Json),
        };
    }
}
