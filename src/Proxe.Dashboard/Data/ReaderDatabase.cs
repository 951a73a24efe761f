using System.Data;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Proxe.Dashboard.Data;

/// <summary>
/// Every dashboard read runs in its own transaction as proxe_reader with proxe.brands set to the caller's brands,
/// so PostgreSQL's row-level security, not the application's WHERE clauses, decides which rows exist.
/// </summary>
public sealed class ReaderDatabase(NpgsqlDataSource dataSource)
{
    public const string ReaderRole = "proxe_reader";

    static ReaderDatabase()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new JsonElementHandler());
    }

    public async Task<T> ReadAsync<T>(IReadOnlyCollection<string> brands, Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

        // Also when the connection string already says Options=-c role=proxe_reader: a login configured with more
        // rights (the postgres superuser in docker-compose) still reads as proxe_reader. Both settings end with the
        // transaction, so a pooled connection carries nothing into the next request.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT set_config('role', @role, true), set_config('proxe.brands', @brands, true)",
            new { role = ReaderRole, brands = string.Join(',', brands) },
            cancellationToken: cancellationToken));

        var result = await read(connection);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private sealed class JsonElementHandler : SqlMapper.TypeHandler<JsonElement>
    {
        public override JsonElement Parse(object value) => value switch
        {
            string json => Parse(json),
            JsonElement element => element,
            _ => throw new DataException($"Cannot read {value.GetType().Name} as JSON."),
        };

        private static JsonElement Parse(string json)
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }

        public override void SetValue(IDbDataParameter parameter, JsonElement value) =>
            throw new NotSupportedException("The dashboard only reads.");
    }
}
