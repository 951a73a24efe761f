using System.Text.Json;
using Npgsql;
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
/// Upserts one channel's session row by its natural key. Each writer coalesces, so an event that lacks a field
/// never erases it, and counts only when the message was new, so a redelivery changes nothing.
/// </summary>
public abstract class SessionWriter
{
    public abstract string Channel { get; }

    /// <summary>What the session is called in errors: "call", "web session"...</summary>
    public abstract string SessionName { get; }

    /// <summary>The session's natural key within its brand: the row the upsert writes.</summary>
    public abstract string Key(ChannelInteractionReceived interaction);

    /// <summary>The upsert, one statement; it changes no row when the session belongs to another brand.</summary>
    public abstract NpgsqlCommand Upsert(NpgsqlConnection connection, SessionWrite write);

    /// <summary>The parameters every session table shares (the seed copies the customer into each session).</summary>
    protected static NpgsqlCommand CommonCommand(NpgsqlConnection connection, string sql, SessionWrite write)
    {
        var interaction = write.Interaction;
        var customer = interaction.Customer;
        return connection.Command(sql)
            .With("brand", interaction.Brand)
            .With("lead_id", write.LeadId)
            .With("occurred_at", interaction.OccurredAt)
            .With("customer_name", customer.Name)
            .With("customer_email", customer.Email)
            .With("customer_phone", customer.Phone ?? LeadIdentity.NormalizedPhone(customer))
            .With("customer_phone_normalized", LeadIdentity.NormalizedPhone(customer))
            .With("message_count", write.MessageIsNew ? 1 : 0)
            .With("message_at", write.MessageIsNew ? interaction.OccurredAt : null)
            .With("message_from", write.NewMessage?.Sender)
            .With("message_preview", Text.Truncate(write.NewMessage?.Content, PreviewLength));
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

}
