using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Proxe.Contracts;
using Proxe.Domain;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

/// <summary>What a channel's session upsert needs to know about the interaction being recorded.</summary>
public sealed record SessionWrite(ChannelInteractionReceived Interaction, Guid LeadId, bool MessageIsNew)
{
    public InteractionMessage? NewMessage => MessageIsNew ? Interaction.Message : null;
}

/// <summary>
/// Upserts one channel's session rows by their natural key, many sessions in one statement. Each writer coalesces, so
/// an event that lacks a field never erases it, and counts only when the message was new, so a redelivery changes nothing.
/// </summary>
public abstract class SessionWriter
{
    public abstract string Channel { get; }

    /// <summary>The session's natural key within its brand: the row the upsert writes.</summary>
    public abstract string Key(ChannelInteractionReceived interaction);

    /// <summary>
    /// The upsert of <paramref name="writes"/>, one statement that writes their rows in the order given; at most one
    /// write per session (a statement cannot change a row twice).
    /// </summary>
    public NpgsqlCommand Upsert(NpgsqlConnection connection, IReadOnlyList<SessionWrite> writes)
    {
        var rows = new SessionRows(connection.Command(UpsertSql), writes)
            .Text("brand", write => write.Interaction.Brand)
            .Values("lead_id", write => write.LeadId, NpgsqlDbType.Uuid)
            .Text("customer_name", write => write.Interaction.Customer.Name)
            .Text("customer_email", write => write.Interaction.Customer.Email)
            .Text("customer_phone", write => LeadIdentity.StoredPhone(write.Interaction.Customer))
            .Text("customer_phone_normalized", write => LeadIdentity.NormalizedPhone(write.Interaction.Customer))
            .Values("message_count", write => write.MessageIsNew ? 1 : 0, NpgsqlDbType.Integer)
            .Timestamps("message_at", write => write.MessageIsNew ? write.Interaction.OccurredAt : null)
            .Text("message_from", write => write.NewMessage?.Sender)
            .Text("message_preview", write => Text.Truncate(write.NewMessage?.Content, PreviewLength));
        AddColumns(rows);
        return rows.Command;
    }

    /// <summary>
    /// The statement: INSERT ... SELECT ... FROM <see cref="Rows"/> ORDER BY position ON CONFLICT ... DO UPDATE, which
    /// refers to the incoming row as excluded only.
    /// </summary>
    protected abstract string UpsertSql { get; }

    /// <summary>The channel's own columns, each named as in its <see cref="Rows"/>.</summary>
    protected abstract void AddColumns(SessionRows rows);

    static readonly string[] CommonColumns =
    [
        "brand", "lead_id", "customer_name", "customer_email", "customer_phone", "customer_phone_normalized",
        "message_count", "message_at", "message_from", "message_preview",
    ];

    /// <summary>The writes as rows with every common column and the channel's own, and their position in the statement.</summary>
    protected static string Rows(params string[] columns)
    {
        var all = CommonColumns.Concat(columns).ToList();
        return $"unnest({string.Join(", ", all.Select(column => "@" + column))}) WITH ORDINALITY AS v({string.Join(", ", all)}, position)";
    }

    /// <summary>"column = coalesce(excluded.column, s.column)" for each column of an upsert: an event that lacks the field never erases it.</summary>
    protected static string Coalesce(params string[] columns) =>
        string.Join(", ", columns.Select(column => $"{column} = coalesce(excluded.{column}, s.{column})"));

    protected static string? Json(JsonElement? element) =>
        element is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } value ? value.GetRawText() : null;

    /// <summary>channel_data is an object that later events extend: a non-object payload is kept under "value".</summary>
    protected static string ChannelData(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.Object } value => value.GetRawText(),
        { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } value => $$"""{"value":{{value.GetRawText()}}}""",
        _ => "{}",
    };

    const int PreviewLength = 160;

    /// <summary>The columns of a set-based upsert: one array parameter each, an element per write, in the writes' order.</summary>
    protected sealed class SessionRows(NpgsqlCommand command, IReadOnlyList<SessionWrite> writes)
    {
        public NpgsqlCommand Command => command;

        public SessionRows Text(string name, Func<SessionWrite, string?> value)
        {
            command.WithTexts(name, writes.Select(value));
            return this;
        }

        public SessionRows Json(string name, Func<SessionWrite, string?> value)
        {
            command.WithJsons(name, writes.Select(value));
            return this;
        }

        public SessionRows Timestamps(string name, Func<SessionWrite, DateTimeOffset?> value) =>
            Values(name, write => value(write)?.UtcDateTime, NpgsqlDbType.TimestampTz);

        public SessionRows Values<T>(string name, Func<SessionWrite, T> value, NpgsqlDbType type)
        {
            command.With(name, writes.Select(value).ToArray(), NpgsqlDbType.Array | type);
            return this;
        }
    }
}
