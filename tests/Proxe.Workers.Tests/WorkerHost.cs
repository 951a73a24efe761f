using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Proxe.Contracts;
using Proxe.Testing;
using Proxe.Workers.Interactions;
using RabbitMQ.Client;

namespace Proxe.Workers.Tests;

/// <summary>
/// The real worker (Program) on a database and a vhost of its own, connected as proxe_ingest like in production.
/// Tests publish with the worker's own bus, which routes by channel exactly like the gateway does.
/// </summary>
public class WorkerHost : IAsyncLifetime
{
    readonly bool _proxied;
    WebApplicationFactory<Program>? _factory;

    public WorkerHost() : this(proxied: false)
    {
    }

    /// <summary>With <paramref name="proxied"/>, the worker reaches PostgreSQL and RabbitMQ through <see cref="TcpProxy"/>s a test can cut.</summary>
    protected WorkerHost(bool proxied) => _proxied = proxied;

    public TcpProxy? DatabaseProxy { get; private set; }
    public TcpProxy? BrokerProxy { get; private set; }

    /// <summary>Extra settings of a derived host.</summary>
    protected virtual IEnumerable<(string Key, string Value)> Settings => [];

    public PostgresDatabaseFixture Database { get; } = new();
    public RabbitMqFixture Broker { get; } = new();
    public CrashAfterCommit Crash { get; } = new();

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("WorkerHost is not initialized.");

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Database.InitializeAsync(), Broker.InitializeAsync());
        var database = new NpgsqlConnectionStringBuilder(Database.ConnectionStringFor("proxe_ingest"));
        var broker = Broker.AmqpUri;
        if (_proxied)
        {
            DatabaseProxy = new TcpProxy(database.Host!, database.Port);
            database.Port = DatabaseProxy.Port;
            BrokerProxy = new TcpProxy(broker.Host, broker.Port);
            broker = new UriBuilder(broker) { Port = BrokerProxy.Port }.Uri;
        }
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:Proxe", database.ConnectionString);
            web.UseSetting("ConnectionStrings:RabbitMq", broker.ToString());
            web.UseSetting("Proxe:Workers:RetryMaxInterval", "00:00:01");
            foreach (var (key, value) in Settings)
                web.UseSetting(key, value);
            web.ConfigureTestServices(services => services.AddSingleton<IInteractionCommitObserver>(Crash));
        });
        // Ready means the bus has declared and bound every queue: nothing published from here on is unroutable.
        using var client = _factory.CreateClient();
        await WaitUntilAsync("the worker is ready", async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode);
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
            await _factory.DisposeAsync();
        if (DatabaseProxy is not null)
            await DatabaseProxy.DisposeAsync();
        if (BrokerProxy is not null)
            await BrokerProxy.DisposeAsync();
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }

    public async Task PublishAsync(params ChannelInteractionReceived[] interactions)
    {
        var bus = Factory.Services.GetRequiredService<IBus>();
        await Task.WhenAll(interactions.Select(interaction => bus.Publish(interaction, context => context.MessageId = interaction.InteractionId)));
    }

    /// <summary>Publishes the interactions in one message, as the gateway does with a request's interactions.</summary>
    public async Task PublishBundleAsync(params ChannelInteractionReceived[] interactions)
    {
        var bus = Factory.Services.GetRequiredService<IBus>();
        await bus.Publish(new InteractionsReceived { Interactions = interactions });
    }

    /// <summary>Publishes one channel's interactions in one message to that channel's queue, as gateways before InteractionsReceived did.</summary>
    public async Task PublishChannelBundleAsync(params ChannelInteractionReceived[] interactions)
    {
        var bus = Factory.Services.GetRequiredService<IBus>();
        await bus.Publish(new ChannelInteractionsReceived { Channel = interactions[0].Channel, Interactions = interactions });
    }

    /// <summary>Publishes and waits until the journey has taken each interaction in, so the next step sees a settled lead.</summary>
    public async Task RecordAsync(params ChannelInteractionReceived[] interactions)
    {
        foreach (var interaction in interactions)
        {
            await PublishAsync(interaction);
            await WaitForJourneyAsync(interaction.InteractionId);
        }
    }

    public Task WaitForJourneyAsync(Guid interactionId) =>
        WaitUntilAsync($"the journey took interaction {interactionId} in", async () =>
            await ScalarAsync<long>("SELECT count(*) FROM lead_journey_interactions WHERE interaction_id = @id", ("id", interactionId)) == 1);

    public Task WaitForJourneyCountAsync(string brand, int interactions) =>
        WaitUntilAsync($"the journeys of {brand} took {interactions} interactions in", async () =>
            await ScalarAsync<long>("SELECT count(*) FROM lead_journey_interactions WHERE brand = @brand", ("brand", brand)) == interactions);

    public static Task WaitUntilAsync(string what, Func<Task<bool>> condition, TimeSpan? timeout = null) =>
        Poll.UntilAsync(what, condition, timeout);

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task<List<Dictionary<string, object?>>> RowsAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i)));
        return rows;
    }

    public async Task<Dictionary<string, object?>> RowAsync(string sql, params (string Name, object Value)[] parameters) =>
        Assert.Single(await RowsAsync(sql, parameters));

    NpgsqlCommand Command(string sql, (string Name, object Value)[] parameters)
    {
        var command = Database.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    /// <summary>A queue of the test's own bound to an event's exchange, to count what the workers published.</summary>
    public async Task<string> ListenAsync<T>()
    {
        var queue = $"test-{typeof(T).Name}-{Guid.NewGuid():N}";
        var exchange = $"Proxe.Contracts:{typeof(T).Name}";
        await using var connection = await Broker.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, "");
        return queue;
    }
}

/// <summary>Simulates the process dying between commit and publish: throws once, after the commit, for chosen interactions.</summary>
public sealed class CrashAfterCommit : IInteractionCommitObserver
{
    readonly ConcurrentDictionary<Guid, int> _armed = new();
    readonly ConcurrentDictionary<Guid, int> _commits = new();

    public void Arm(Guid interactionId) => _armed[interactionId] = 1;

    public int Commits(Guid interactionId) => _commits.GetValueOrDefault(interactionId);

    public Task CommittedAsync(ChannelInteractionReceived interaction, Guid leadId, CancellationToken cancellationToken)
    {
        _commits.AddOrUpdate(interaction.InteractionId, 1, (_, count) => count + 1);
        if (_armed.TryRemove(interaction.InteractionId, out _))
            // A transient failure, so the endpoint redelivers it, like the broker after a crash.
            throw new PostgresException("simulated crash after commit", "FATAL", "FATAL", "40001");
        return Task.CompletedTask;
    }
}
