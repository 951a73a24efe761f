using System.Diagnostics;
using Npgsql;

namespace Proxe.Database;

/// <summary>
/// Applies pending migrations in order, each in its own transaction, under a PostgreSQL advisory lock,
/// and records them in schema_migrations with their checksum. A second runner started meanwhile waits
/// for the lock and then finds nothing to do. An applied file that was edited since stops everything.
/// </summary>
/// <remarks>
/// Hand-written because neither maintained runner fits: Evolve needs a non-empty file prefix
/// (V1__name.sql, not NNN_name.sql) and DbUp has neither checksums nor a lock.
/// Needs a session-level connection: through a transaction-mode pooler (pgbouncer, Supabase port 6543)
/// the advisory lock would not hold, so migrate over a direct or session-mode connection.
/// Plain Npgsql rather than <see cref="ProxeDbContext"/>: it runs whole SQL files statement by statement on the one
/// connection that holds the lock, before the schema EF Core maps even exists.
/// </remarks>
public static class MigrationRunner
{
    // Advisory locks are scoped to the current database, so each PROXe database has its own.
    private const long LockKey = 0x50524F58_4D494752; // "PROXMIGR"

    private const string HistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            execution_ms integer NOT NULL DEFAULT 0
        )
        """;

    /// <summary>Applies the migrations shipped in this assembly; returns the names of the files applied now.</summary>
    public static Task<IReadOnlyList<string>> MigrateAsync(
        string connectionString, Action<string>? log = null, CancellationToken cancellationToken = default) =>
        MigrateAsync(connectionString, Migration.Embedded(), log, cancellationToken);

    public static async Task<IReadOnlyList<string>> MigrateAsync(
        string connectionString, IReadOnlyList<Migration> migrations, Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        log ??= _ => { };
        await using var connection = await OpenAsync(connectionString, cancellationToken);

        if (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(@key)", cancellationToken))
        {
            log("Another migration runner holds the lock; waiting for it to finish.");
            await ScalarAsync<object>(connection, "SELECT pg_advisory_lock(@key)", cancellationToken);
        }

        try
        {
            await ExecuteAsync(connection, null, HistoryTable, cancellationToken);
            var applied = await ReadAppliedAsync(connection, cancellationToken);
            var pending = Plan(migrations, applied, log);
            if (pending.Count == 0)
            {
                log("Database is up to date.");
            }

            foreach (var migration in pending)
            {
                await ApplyAsync(connection, migration, log, cancellationToken);
            }

            return pending.Select(m => m.Name).ToList();
        }
        finally
        {
            // A broken connection already took its session lock with it.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ScalarAsync<bool>(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None);
            }
        }
    }

    private static List<Migration> Plan(
        IReadOnlyList<Migration> migrations, Dictionary<int, AppliedMigration> applied, Action<string> log)
    {
        var edited = migrations
            .Where(m => applied.TryGetValue(m.Version, out var a) && a.Checksum != m.Checksum)
            .Select(m => $"{m.Name} (applied {applied[m.Version].AppliedAt:u} as {applied[m.Version].Name})")
            .ToList();
        if (edited.Count > 0)
        {
            throw new MigrationException(
                $"Refusing to migrate: already applied migration files were edited since: {string.Join(", ", edited)}. " +
                "An applied file must never change; restore it and put the change in a new NNN_name.sql file.");
        }

        foreach (var unknown in applied.Values.Where(a => migrations.All(m => m.Version != a.Version)))
        {
            log($"Applied migration {unknown.Name} is not part of this build (the database is newer); leaving it alone.");
        }

        var pending = migrations.Where(m => !applied.ContainsKey(m.Version)).ToList();
        var latest = applied.Count == 0 ? 0 : applied.Keys.Max();
        var late = pending.Where(m => m.Version < latest).Select(m => m.Name).ToList();
        if (late.Count > 0)
        {
            throw new MigrationException(
                $"Refusing to migrate: {string.Join(", ", late)} would run after the newer migration {applied[latest].Name}. " +
                "Renumber it after the latest applied file.");
        }

        return pending;
    }

    private static async Task ApplyAsync(
        NpgsqlConnection connection, Migration migration, Action<string> log, CancellationToken cancellationToken)
    {
        log($"Applying {migration.Name}...");
        var stopwatch = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var statement in SqlScript.Split(migration.Sql))
        {
            try
            {
                await ExecuteAsync(connection, transaction, statement.Text, cancellationToken);
            }
            catch (PostgresException e)
            {
                throw new MigrationException(Describe(migration, statement, e), e);
            }
        }

        await using (var record = new NpgsqlCommand(
            "INSERT INTO schema_migrations (version, name, checksum, execution_ms) VALUES (@version, @name, @checksum, @ms)",
            connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter<int>("version", migration.Version));
            record.Parameters.Add(new NpgsqlParameter<string>("name", migration.Name));
            record.Parameters.Add(new NpgsqlParameter<string>("checksum", migration.Checksum));
            record.Parameters.Add(new NpgsqlParameter<int>("ms", (int)stopwatch.ElapsedMilliseconds));
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        log($"Applied {migration.Name} in {stopwatch.ElapsedMilliseconds} ms.");
    }

    /// <summary>Which file, which line, which statement, and PostgreSQL's own words.</summary>
    internal static string Describe(Migration migration, SqlScript.Statement statement, PostgresException e)
    {
        var line = LineOf(migration.Sql, statement.Offset + Math.Max(e.Position - 1, 0));
        var message = $"Migration {migration.Name} failed at line {line}: {e.SqlState}: {e.MessageText}";
        if (e.Detail is { Length: > 0 } detail)
        {
            message += $"\n  Detail: {detail}";
        }

        if (e.Where is { Length: > 0 } context)
        {
            message += $"\n  Context: {context}";
        }

        var firstLines = statement.Text.Split('\n').Take(3).Select(l => l.TrimEnd());
        message += $"\n  Statement (line {LineOf(migration.Sql, statement.Offset)}): {string.Join("\n    ", firstLines)}";
        return message + "\n  The file was rolled back; nothing of it was applied.";
    }

    private static int LineOf(string text, int offset) => text.AsSpan(0, Math.Min(offset, text.Length)).Count('\n') + 1;

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new MigrationException($"The connection string is not valid: {e.Message}", e);
        }

        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw new MigrationException(
                $"Cannot connect to PostgreSQL at {builder.Host}:{builder.Port}, database '{builder.Database}', " +
                $"user '{builder.Username}': {e.Message}", e);
        }
    }

    private static async Task<Dictionary<int, AppliedMigration>> ReadAppliedAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, AppliedMigration>();
        await using var command = new NpgsqlCommand("SELECT version, name, checksum, applied_at FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new AppliedMigration(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
            applied[row.Version] = row;
        }

        return applied;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        // A data upgrade may take long; the runner is an operator's tool, not a request.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter<long>("key", LockKey));
        return (T?)await command.ExecuteScalarAsync(cancellationToken);
    }

    private sealed record AppliedMigration(int Version, string Name, string Checksum, DateTimeOffset AppliedAt);
}
