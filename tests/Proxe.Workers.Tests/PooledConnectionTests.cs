using Npgsql;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>The workers' connections skip Npgsql's reset when returned to the pool: nothing a use leaves behind may reach the next one.</summary>
public sealed class PooledConnectionTests(WorkerHost host) : IClassFixture<WorkerHost>
{
    [Fact]
    public async Task A_connection_returned_inside_a_transaction_comes_back_without_its_rows_locks_or_settings()
    {
        var builder = new NpgsqlDataSourceBuilder(host.Database.ConnectionStringFor("proxe_ingest"));
        Extensions.ConfigureDataSource(builder);
        builder.ConnectionStringBuilder.MaxPoolSize = 1; // the second open gets the same connection back
        await using var dataSource = builder.Build();
        var brand = Brand("pool");

        int processId;
        string timeout;
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            processId = connection.ProcessID;
            await using (var show = new NpgsqlCommand("SHOW statement_timeout", connection))
                timeout = (string)(await show.ExecuteScalarAsync())!;
            var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("""
                SELECT pg_advisory_xact_lock(4242);
                SET LOCAL statement_timeout = '1234s';
                INSERT INTO all_leads (brand, first_touchpoint) VALUES (@brand, 'web');
                """, connection, transaction);
            command.Parameters.AddWithValue("brand", brand);
            await command.ExecuteNonQueryAsync();
            // Returned to the pool without commit or rollback, as a crashed batch leaves it.
        }

        await using var again = await dataSource.OpenConnectionAsync();
        Assert.Equal(processId, again.ProcessID);
        await using var check = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM all_leads WHERE brand = @brand),
                   (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()),
                   current_setting('statement_timeout')
            """, again);
        check.Parameters.AddWithValue("brand", brand);
        await using var reader = await check.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((0L, 0L, timeout), (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
        Assert.NotEqual("1234s", timeout);
        Assert.True(builder.ConnectionStringBuilder.NoResetOnClose);
    }
}
