using Npgsql;
using Proxe.Testing;

namespace Proxe.Infrastructure.Tests;

public sealed class TcpProxyTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task A_cut_refuses_and_resets_connections_and_a_restore_lets_them_through_again()
    {
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(direct.Host!, direct.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = proxy.Port, Pooling = false }.ConnectionString;

        await using var open = new NpgsqlConnection(throughProxy);
        await open.OpenAsync();
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", open).ExecuteScalarAsync());

        proxy.Cut();

        await Assert.ThrowsAnyAsync<Exception>(() => new NpgsqlCommand("SELECT 1", open).ExecuteScalarAsync());
        var refused = await Assert.ThrowsAsync<NpgsqlException>(async () =>
        {
            await using var again = new NpgsqlConnection(throughProxy);
            await again.OpenAsync();
        });
        Assert.True(refused.IsTransient);

        proxy.Restore();

        await using var restored = new NpgsqlConnection(throughProxy);
        await restored.OpenAsync();
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", restored).ExecuteScalarAsync());
    }
}
