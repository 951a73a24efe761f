using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Proxe.Workers.Persistence;

internal static partial class Sql
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql) => new(sql, connection);

    /// <summary>
    /// Single-statement commands, built like any other, sent in one round trip and run in order (each round trip costs
    /// both sides a context switch and a system call, more than a small statement itself). Disposes the commands.
    /// </summary>
    public static NpgsqlBatch Batch(this NpgsqlConnection connection, IEnumerable<NpgsqlCommand> commands)
    {
        var batch = connection.CreateBatch();
        foreach (var command in commands)
        {
            using (command)
            {
                var batchCommand = new NpgsqlBatchCommand(command.CommandText);
                var parameters = command.Parameters.ToArray();
                command.Parameters.Clear(); // a parameter belongs to one collection: moved, not copied
                foreach (var parameter in parameters)
                    batchCommand.Parameters.Add(parameter);
                batch.BatchCommands.Add(batchCommand);
            }
        }
        return batch;
    }

    /// <summary>Typed parameters, so NULLs and jsonb need no casts in the SQL.</summary>
    public static NpgsqlCommand With(this NpgsqlCommand command, string name, object? value, NpgsqlDbType type)
    {
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return command;
    }

    /// <summary>
    /// PostgreSQL text cannot hold U+0000, and providers do not adapt to us: the character is dropped rather than
    /// failing the interaction forever.
    /// </summary>
    public static NpgsqlCommand With(this NpgsqlCommand command, string name, string? value) =>
        command.With(name, WithoutNul(value), NpgsqlDbType.Text);

    /// <summary>A text[] parameter, each element as <see cref="With(NpgsqlCommand, string, string?)"/> would pass it.</summary>
    public static NpgsqlCommand WithTexts(this NpgsqlCommand command, string name, IEnumerable<string?> values) =>
        command.With(name, values.Select(WithoutNul).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);

    /// <summary>A jsonb[] parameter. jsonb refuses the escape \u0000 too; an escaped backslash before "u0000" is text and stays.</summary>
    public static NpgsqlCommand WithJsons(this NpgsqlCommand command, string name, IEnumerable<string?> values) =>
        command.With(name, values.Select(WithoutEscapedNul).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Jsonb);

    public static string? WithoutNul(string? value) => value?.Replace("\0", "");

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, Guid value) => command.With(name, value, NpgsqlDbType.Uuid);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, int? value) => command.With(name, value, NpgsqlDbType.Integer);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, DateTimeOffset? value) =>
        command.With(name, value?.UtcDateTime, NpgsqlDbType.TimestampTz);

    static string? WithoutEscapedNul(string? json) => json is null ? null : EscapedNul().Replace(json, "$1");

    [GeneratedRegex(@"(?<!\\)((?:\\\\)*)\\u0000")]
    private static partial Regex EscapedNul();
}
