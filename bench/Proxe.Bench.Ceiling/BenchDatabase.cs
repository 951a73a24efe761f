using System.Security.Cryptography;
using Npgsql;
using Proxe.Database;

namespace Proxe.Bench.Ceiling;

/// <summary>
/// A throwaway PROXe database: created empty, migrated with the project's own runner, dropped afterwards.
/// The workload connects like the workers do, assuming proxe_ingest, so row-level security and grants apply.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    readonly string _adminConnectionString;
    readonly bool _keep;

    BenchDatabase(string adminConnectionString, string name, bool keep)
    {
        _adminConnectionString = adminConnectionString;
        _keep = keep;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString)
        {
            Database = name,
            Options = "-c role=proxe_ingest",
            ApplicationName = "proxe-bench-ceiling",
            MaxPoolSize = 200,
        }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>As the workers connect: login user, role proxe_ingest.</summary>
    public string ConnectionString { get; }

    public static async Task<BenchDatabase> CreateAsync(string adminConnectionString, string label, bool keep, CancellationToken cancellationToken)
    {
        var name = $"proxe_bench_{RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 8)}_{label}";
        await ExecuteAsync(adminConnectionString, $"CREATE DATABASE {name}", cancellationToken);
        var database = new BenchDatabase(adminConnectionString, name, keep);
        try
        {
            var migrationsConnection = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
            await MigrationRunner.MigrateAsync(migrationsConnection, cancellationToken: cancellationToken);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_keep)
        {
            Console.WriteLine($"  kept database {Name}");
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(_adminConnectionString, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", CancellationToken.None);
    }

    static async Task ExecuteAsync(string adminConnectionString, string sql, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
