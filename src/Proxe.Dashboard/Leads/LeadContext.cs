using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Proxe.Database;
using Proxe.Dashboard.Auth;
using Proxe.Dashboard.Data;

namespace Proxe.Dashboard.Leads;

/// <summary>
/// GET /api/leads/{id}/context: one answer with what an AI orchestrator needs to reply to this customer on any channel.
/// The shape is a contract (README "Orchestrator context"): fields are only ever added.
/// </summary>
public sealed record LeadContext(
    LeadContextLead Lead,
    string CurrentChannel,
    IReadOnlyList<string> Journey,
    JsonElement UnifiedContext,
    LeadContextChannels Channels,
    IReadOnlyList<ContextMessage> Messages,
    ContextBudget Budget);

public sealed record LeadContextLead(
    Guid Id, string Brand, string? Name, string? Email, string? Phone, string FirstTouchpoint, string LastTouchpoint,
    DateTime FirstInteractionAt, DateTime? LastInteractionAt);

/// <summary>Each channel's latest session, summary fields only; null for a channel the customer never used.</summary>
public sealed record LeadContextChannels(JsonElement? Web, JsonElement? Whatsapp, JsonElement? Voice, JsonElement? Social);

public sealed record ContextMessage(string Channel, string Sender, string? Content, string MessageType, DateTime OccurredAt, bool Truncated);

/// <summary>What was asked for and what was used; omitted_messages counts older messages left out.</summary>
public sealed record ContextBudget(int MaxMessages, int MaxChars, int UsedChars, bool OmittedMessages);

public static class LeadContextEndpoint
{
    public const int DefaultMaxMessages = 20;
    public const int MaxMessages = 200;
    public const int DefaultMaxChars = 4000;
    public const int MaxChars = 100_000;
    public const int TranscriptExcerptChars = 500;

    public const string Description =
        "messages: the newest messages across every channel that fit max_messages (1-200, default 20) and max_chars " +
        "(100-100000, default 4000: the sum of their content lengths), returned oldest first by occurred_at; when even the newest " +
        "alone is longer than max_chars it is cut on a grapheme boundary and marked truncated. current_channel is the channel " +
        "of the newest interaction (last_touchpoint). channels holds each channel's latest session: web booking fields and " +
        "summaries, the voice call's status, summary and a transcript excerpt, WhatsApp's last delivery status; null when unused.";

    /// <summary>The lead and each channel's latest session as PostgreSQL renders them in JSON: one statement.</summary>
    public static IQueryable<ContextRow> LeadWithChannels(ProxeDbContext db, Guid id) => db.Database.SqlQuery<ContextRow>($"""
        SELECT l.id, l.brand, l.customer_name AS name, l.email, l.customer_phone_normalized AS phone, l.first_touchpoint,
               l.last_touchpoint, l.first_interaction_at, l.last_interaction_at, l.journey, l.unified_context,
               (SELECT jsonb_build_object('booking_status', x.booking_status, 'booking_date', x.booking_date,
                       'booking_time', x.booking_time, 'website_url', x.website_url,
                       'conversation_summary', x.conversation_summary, 'user_inputs_summary', x.user_inputs_summary,
                       'last_message_at', x.last_message_at)
                FROM web_sessions x WHERE x.lead_id = l.id
                ORDER BY coalesce(x.last_message_at, x.updated_at) DESC, x.id LIMIT 1) AS web,
               (SELECT jsonb_build_object('conversation_status', x.conversation_status,
                       'conversation_summary', x.conversation_summary, 'last_message_at', x.last_message_at,
                       'last_message_from', x.last_message_from, 'last_status', x.last_status,
                       'last_status_at', x.last_status_at, 'overall_sentiment', x.overall_sentiment)
                FROM whatsapp_sessions x WHERE x.lead_id = l.id
                ORDER BY coalesce(x.last_message_at, x.updated_at) DESC, x.id LIMIT 1) AS whatsapp,
               (SELECT jsonb_build_object('call_sid', x.call_sid, 'call_status', x.call_status,
                       'call_direction', x.call_direction, 'call_duration_seconds', x.call_duration_seconds,
                       'call_summary', x.call_summary, 'sentiment', x.sentiment, 'started_at', x.created_at,
                       'transcription', x.transcription)
                FROM voice_sessions x WHERE x.lead_id = l.id
                ORDER BY x.created_at DESC, x.id LIMIT 1) AS voice,
               (SELECT jsonb_build_object('platform', x.platform, 'platform_username', x.platform_username,
                       'engagement_type', x.engagement_type, 'engagement_count', x.engagement_count,
                       'conversation_summary', x.conversation_summary, 'last_engagement_at', x.last_engagement_at)
                FROM social_sessions x WHERE x.lead_id = l.id
                ORDER BY coalesce(x.last_engagement_at, x.updated_at) DESC, x.id LIMIT 1) AS social
        FROM all_leads l
        WHERE l.id = {id}
        """);

    public static IQueryable<LeadMessage> NewestMessages(ProxeDbContext db, Guid id, int take) =>
        db.Messages.Where(m => m.LeadId == id)
            .OrderByDescending(m => m.OccurredAt).ThenByDescending(m => m.Id)
            .Take(take)
            .Select(m => new LeadMessage
            {
                Channel = m.Channel, Sender = m.Sender, Content = m.Content, MessageType = m.MessageType, OccurredAt = m.OccurredAt,
            });

    internal static async Task<Results<Ok<LeadContext>, ValidationProblem, ProblemHttpResult>> GetContext(
        ClaimsPrincipal user, ReaderDatabase database, string id,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "max_messages")] string? maxMessages,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "max_chars")] string? maxChars,
        CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters();
        var leadId = parameters.Guid("id", id);
        var messageBudget = parameters.Int("max_messages", maxMessages, DefaultMaxMessages, 1, MaxMessages);
        var charBudget = parameters.Int("max_chars", maxChars, DefaultMaxChars, 100, MaxChars);
        if (!parameters.Valid || leadId is not { } lead)
            return TypedResults.ValidationProblem(parameters.Errors);

        var context = await database.ReadAsync(user.Brands(), c => ReadAsync(c, lead, messageBudget, charBudget, cancellationToken), cancellationToken);
        return context is null ? LeadEndpoints.LeadNotFound() : TypedResults.Ok(context);
    }

    public static async Task<LeadContext?> ReadAsync(ProxeDbContext db, Guid id, int maxMessages, int maxChars, CancellationToken cancellationToken)
    {
        var row = await LeadWithChannels(db, id).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
            return null;

        // One more than the budget tells whether older messages were left out.
        var newest = await NewestMessages(db, id, maxMessages + 1).ToListAsync(cancellationToken);

        var (messages, usedChars) = Fit(newest.Take(maxMessages), maxChars);
        return new LeadContext(
            new LeadContextLead(row.Id, row.Brand, row.Name, row.Email, row.Phone, row.FirstTouchpoint, row.LastTouchpoint,
                row.FirstInteractionAt, row.LastInteractionAt),
            row.LastTouchpoint,
            row.Journey,
            row.UnifiedContext,
            new LeadContextChannels(row.Web, row.Whatsapp, WithTranscriptExcerpt(row.Voice), row.Social),
            messages,
            new ContextBudget(maxMessages, maxChars, usedChars, OmittedMessages: messages.Count < newest.Count));
    }

    /// <summary>Newest first until the character budget is spent; then oldest first for reading.</summary>
    internal static (IReadOnlyList<ContextMessage> Messages, int UsedChars) Fit(IEnumerable<LeadMessage> newestFirst, int maxChars)
    {
        var kept = new List<ContextMessage>();
        var used = 0;
        foreach (var message in newestFirst)
        {
            var length = message.Content?.Length ?? 0;
            if (used + length <= maxChars)
            {
                kept.Add(new ContextMessage(message.Channel, message.Sender, message.Content, message.MessageType, message.OccurredAt, false));
                used += length;
                continue;
            }
            if (kept.Count == 0)
            {
                var cut = Proxe.Domain.Text.Truncate(message.Content, maxChars)!;
                kept.Add(new ContextMessage(message.Channel, message.Sender, cut, message.MessageType, message.OccurredAt, true));
                used = cut.Length;
            }
            break;
        }
        kept.Reverse();
        return (kept, used);
    }

    private static JsonElement? WithTranscriptExcerpt(JsonElement? voice)
    {
        if (voice is not { ValueKind: JsonValueKind.Object } session)
            return voice;
        var fields = session.EnumerateObject().Where(p => p.Name != "transcription").ToDictionary(p => p.Name, p => p.Value);
        var transcript = session.TryGetProperty("transcription", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        fields["transcript_excerpt"] = JsonSerializer.SerializeToElement(Proxe.Domain.Text.Truncate(transcript, TranscriptExcerptChars));
        return JsonSerializer.SerializeToElement(fields);
    }

    public sealed record ContextRow
    {
        public Guid Id { get; init; }
        public string Brand { get; init; } = "";
        public string? Name { get; init; }
        public string? Email { get; init; }
        public string? Phone { get; init; }
        public string FirstTouchpoint { get; init; } = "";
        public string LastTouchpoint { get; init; } = "";
        public DateTime FirstInteractionAt { get; init; }
        public DateTime? LastInteractionAt { get; init; }
        public string[] Journey { get; init; } = [];
        public JsonElement UnifiedContext { get; init; }
        public JsonElement? Web { get; init; }
        public JsonElement? Whatsapp { get; init; }
        public JsonElement? Voice { get; init; }
        public JsonElement? Social { get; init; }
    }
}
