using Proxe.Cli;
using System.Text.Json;
using Npgsql;
using Proxe.Cli.Dlq;

namespace Proxe.Cli.Demo;

/// <summary>A demo lead as unified_leads shows it.</summary>
public sealed record DemoLead(string Phone, string FirstTouchpoint, string LastTouchpoint, string? Name, IReadOnlyList<string> Channels,
    long Messages, DateTimeOffset? LastInteractionAt);

/// <summary>
/// Reads the demo's leads the way the dashboard does: in a transaction with proxe.brands set, so a login that takes
/// the proxe_reader role (row-level security) sees the brand's rows; a superuser sees them anyway.
/// </summary>
public sealed class DemoDatabase : IAsyncDisposable
{
    readonly NpgsqlDataSource _dataSource;
    readonly string _brand;

    public DemoDatabase(string connectionString, string brand)
    {
        try
        {
            _dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--db is not a valid Npgsql connection string: {e.Message}", ExitCodes.Usage);
        }
        _brand = brand;
    }

    public async Task<IReadOnlyDictionary<string, DemoLead>> LeadsAsync(IReadOnlyCollection<string> phones, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var scope = new NpgsqlCommand("SELECT set_config('proxe.brands', @brand, true)", connection, transaction))
            {
                scope.Parameters.AddWithValue("brand", _brand);
                await scope.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var query = new NpgsqlCommand("""
                SELECT u.phone, u.first_touchpoint, u.last_touchpoint, u.name, u.metadata::text, u.last_interaction_at,
                       (SELECT count(*) FROM messages m WHERE m.brand = u.brand AND m.lead_id = u.id)
                FROM unified_leads u
                WHERE u.brand = @brand AND u.phone = ANY(@phones)
                """, connection, transaction);
            query.Parameters.AddWithValue("brand", _brand);
            query.Parameters.AddWithValue("phones", phones.ToArray());

            var leads = new Dictionary<string, DemoLead>(StringComparer.Ordinal);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var phone = reader.GetString(0);
                leads[phone] = new DemoLead(phone, reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    ChannelsOf(reader.GetString(4)), reader.GetInt64(6), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
            }
            return leads;
        }
        catch (NpgsqlException e)
        {
            throw new CliException($"Cannot read the PROXe database given with --db: {e.Message}");
        }
    }

    /// <summary>metadata holds one object per channel the lead used.</summary>
    static IReadOnlyList<string> ChannelsOf(string metadata)
    {
        using var document = JsonDocument.Parse(metadata);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
