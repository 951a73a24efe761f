using DotNet.Testcontainers.Builders;
using Npgsql;
using Proxe.Database;
using Testcontainers.PostgreSql;
using Xunit;

namespace Proxe.Testing;

/// <summary>
/// A database of its own (proxe_test_&lt;random&gt;), migrated with the real runner, dropped on dispose.
/// The server is PROXE_TEST_POSTGRES when set, else a Testcontainers PostgreSQL 15 shared by the test process.
/// </summary>
public sealed class PostgresDatabaseFixture : IAsyncLifetime, IAsyncDisposable
{
    public const string EnvironmentVariable = "PROXE_TEST_POSTGRES";

    private static readonly SemaphoreSlim ContainerGate = new(1, 1);
    private static PostgreSqlContainer? _container;

    private readonly bool _migrate;
    private NpgsqlDataSource? _dataSource;
    private string? _serverConnectionString;
    private string? _connectionString;

    /// <summary>xunit's constructor: a migrated database.</summary>
    public PostgresDatabaseFixture() : this(migrate: true)
    {
    }

    private PostgresDatabaseFixture(bool migrate) => _migrate = migrate;

    public string DatabaseName { get; } = $"proxe_test_{Guid.NewGuid():N}";

    /// <summary>Superuser on this fixture's database.</summary>
    public string ConnectionString => _connectionString ?? throw NotInitialized();

    public NpgsqlDataSource DataSource => _dataSource ?? throw NotInitialized();

    /// <summary>A test's own extra database, e.g. an empty one to migrate by hand (<paramref name="migrate"/> false).</summary>
    public static async Task<PostgresDatabaseFixture> CreateAsync(bool migrate = true)
    {
        var fixture = new PostgresDatabaseFixture(migrate);
        await fixture.InitializeAsync();
        return fixture;
    }

    /// <summary>The same database as an application role (proxe_ingest, proxe_reader), as the services connect.</summary>
    public string ConnectionStringFor(string role) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Options = $"-c role={role}" }.ConnectionString;

    /// <summary>A <see cref="ProxeDbContext"/> on this database: as the superuser, or as <paramref name="role"/>.</summary>
    public ProxeDbContext CreateDbContext(string? role = null) =>
        ProxeDbContext.Create(role is null ? ConnectionString : ConnectionStringFor(role));

    public async Task InitializeAsync()
    {
        _serverConnectionString = await ServerConnectionStringAsync();
        await using (var server = new NpgsqlConnection(_serverConnectionString))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", server);
            await create.ExecuteNonQueryAsync();
        }

        _connectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = DatabaseName }.ConnectionString;
        if (_migrate)
        {
            await MigrationRunner.MigrateAsync(_connectionString);
        }

        _dataSource = NpgsqlDataSource.Create(_connectionString);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
            _dataSource = null;
        }

        if (_serverConnectionString is not { } serverConnectionString)
        {
            return;
        }

        _serverConnectionString = null;
        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(serverConnectionString);
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private static async Task<string> ServerConnectionStringAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        await ContainerGate.WaitAsync();
        try
        {
            if (_container is null)
            {
                var candidate = new PostgreSqlBuilder("postgres:15-alpine").Build();
                await candidate.StartAsync();
                _container = candidate;
            }

            return _container.GetConnectionString();
        }
        catch (Exception e) when (e is DockerUnavailableException or DockerConfigurationException)
        {
            throw new InvalidOperationException(
                $"No PostgreSQL for the tests: {EnvironmentVariable} is not set and no Docker engine answers ({e.Message}). " +
                "Run ./test.sh, which starts PostgreSQL and RabbitMQ and sets the variables, or set " +
                $"{EnvironmentVariable}=\"Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres\".", e);
        }
        finally
        {
            ContainerGate.Release();
        }
    }

    private static InvalidOperationException NotInitialized() =>
        new("The fixture is not initialized yet; xunit calls InitializeAsync, or use PostgresDatabaseFixture.CreateAsync().");
}
