using Microsoft.EntityFrameworkCore;
using Proxe.Database;

namespace Proxe.Dashboard.Leads;

/// <summary>
/// The dashboard's reads. None of them names a brand: they run under <see cref="Data.ReaderDatabase"/>,
/// where row-level security leaves only the caller's brands. Each query is built here and run by its caller, so
/// bench/Proxe.Bench.Dashboard can EXPLAIN exactly the SQL the endpoints send.
/// </summary>
public static class LeadQueries
{
    /// <summary>
    /// The filter as conditions on all_leads, only those asked for, so each query plans against its indexes.
    /// A phone or email matches the lead's own column or any identity of that kind.
    /// </summary>
    public static IQueryable<Database.Entities.Lead> Matching(this ProxeDbContext db, LeadFilter filter, bool withCursor = true)
    {
        var leads = db.Leads.AsQueryable();
        if (filter.Phone is { } phone)
        {
            leads = leads.Where(l => db.Leads.Where(p => p.CustomerPhoneNormalized == phone).Select(p => p.Id)
                .Union(db.LeadIdentities.Where(i => i.Kind == "phone" && i.Value == phone).Select(i => i.LeadId))
                .Contains(l.Id));
        }
        if (filter.Email is { } email)
        {
            leads = leads.Where(l => db.Leads.Where(e => e.Email!.ToLower() == email).Select(e => e.Id)
                .Union(db.LeadIdentities.Where(i => i.Kind == "email" && i.Value == email).Select(i => i.LeadId))
                .Contains(l.Id));
        }
        if (filter.FirstTouchpoint is { } first)
            leads = leads.Where(l => l.FirstTouchpoint == first);
        if (filter.LastTouchpoint is { } last)
            leads = leads.Where(l => l.LastTouchpoint == last);
        // The pattern escapes % and _ with a backslash (LeadEndpoints.ReadFilter); Npgsql would otherwise send ESCAPE ''.
        if (filter.NamePattern is { } namePattern)
            leads = leads.Where(l => EF.Functions.ILike(l.CustomerName!, namePattern, @"\"));
        if (filter.Channel is { } channel)
            leads = leads.Where(l => l.Journey.Contains(channel));
        if (filter.ActiveFrom is { } activeFrom)
            leads = leads.Where(l => l.LastInteractionAt >= activeFrom);
        if (filter.ActiveTo is { } activeTo)
            leads = leads.Where(l => l.LastInteractionAt < activeTo);
        if (filter.CrossChannel)
            leads = leads.Where(l => l.Journey.Length > 1);
        if (withCursor && filter.CursorAt is { } cursorAt)
        {
            // A row comparison, (activity, id) < (cursor), so the keyset seeks all_leads_activity_idx.
            var cursorId = filter.CursorId ?? Guid.Empty;
            leads = leads.Where(l => EF.Functions.LessThan(
                ValueTuple.Create(l.LastInteractionAt ?? l.CreatedAt, l.Id), ValueTuple.Create(cursorAt, cursorId)));
        }
        return leads;
    }

    /// <summary>Newest activity first; a lead without any interaction time sorts by its creation (all_leads_activity_idx, migration 004).</summary>
    public static IOrderedQueryable<Database.Entities.Lead> ByActivity(this IQueryable<Database.Entities.Lead> leads) =>
        leads.OrderByDescending(l => l.LastInteractionAt ?? l.CreatedAt).ThenByDescending(l => l.Id);

    /// <summary>The page is chosen on all_leads alone (filters, order, limit on indexed columns), then the view adds metadata for those rows only.</summary>
    public static IQueryable<Lead> List(ProxeDbContext db, LeadFilter filter) =>
        from l in db.Matching(filter).ByActivity().Take(filter.Limit)
        join u in db.UnifiedLeads on l.Id equals u.Id
        orderby l.LastInteractionAt ?? l.CreatedAt descending, l.Id descending
        select new Lead
        {
            Id = u.Id,
            Brand = u.Brand,
            Name = u.Name,
            Email = u.Email,
            Phone = u.Phone,
            FirstTouchpoint = u.FirstTouchpoint,
            LastTouchpoint = u.LastTouchpoint,
            Timestamp = u.Timestamp,
            FirstInteractionAt = l.FirstInteractionAt,
            LastInteractionAt = u.LastInteractionAt,
            Journey = l.Journey,
            Metadata = u.Metadata,
        };

    public static async Task<Page<Lead>> FindAsync(ProxeDbContext db, LeadFilter filter, CancellationToken cancellationToken)
    {
        var leads = await List(db, filter).ToListAsync(cancellationToken);
        var last = leads.Count == filter.Limit ? leads[^1] : null;
        return new Page<Lead>(leads, last is null ? null : Data.Cursor.Encode(last.LastInteractionAt ?? last.Timestamp, last.Id));
    }

    /// <summary>Whole session rows and identities as PostgreSQL renders them in JSON: one statement, one round trip.</summary>
    public static IQueryable<LeadDetail> Detail(ProxeDbContext db, Guid id) => db.Database.SqlQuery<LeadDetail>($"""
        SELECT u.id, u.brand, u.name, u.email, u.phone, u.first_touchpoint, u.last_touchpoint,
               u."timestamp", l.first_interaction_at, u.last_interaction_at, u.metadata, l.journey, u.unified_context,
               jsonb_build_object(
                   'web', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'lead_id' ORDER BY x.created_at, x.id), '[]')
                           FROM web_sessions x WHERE x.lead_id = u.id),
                   'whatsapp', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'lead_id' ORDER BY x.created_at, x.id), '[]')
                                FROM whatsapp_sessions x WHERE x.lead_id = u.id),
                   'voice', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'lead_id' ORDER BY x.created_at, x.id), '[]')
                             FROM voice_sessions x WHERE x.lead_id = u.id),
                   'social', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'lead_id' ORDER BY x.created_at, x.id), '[]')
                              FROM social_sessions x WHERE x.lead_id = u.id)) AS sessions,
               (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', i.kind, 'value', i.value,
                                                             'first_seen_at', i.first_seen_at, 'last_seen_at', i.last_seen_at)
                                          ORDER BY i.first_seen_at, i.kind, i.value), '[]')
                FROM lead_identities i WHERE i.lead_id = u.id) AS identities
        FROM unified_leads u JOIN all_leads l ON l.id = u.id
        WHERE u.id = {id}
        """);

    public static Task<LeadDetail?> GetAsync(ProxeDbContext db, Guid id, CancellationToken cancellationToken) =>
        Detail(db, id).SingleOrDefaultAsync(cancellationToken);

    public static Task<bool> ExistsAsync(ProxeDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Leads.AnyAsync(l => l.Id == id, cancellationToken);

    /// <summary>The seed's conversation history: every channel, oldest first, by provider time (messages_lead_timeline_idx).</summary>
    public static IQueryable<LeadMessage> Messages(ProxeDbContext db, Guid leadId, DateTime? cursorAt, Guid? cursorId, int limit)
    {
        var messages = db.Messages.Where(m => m.LeadId == leadId);
        if (cursorAt is { } at)
        {
            var afterId = cursorId ?? Guid.Empty;
            messages = messages.Where(m => EF.Functions.GreaterThan(ValueTuple.Create(m.OccurredAt, m.Id), ValueTuple.Create(at, afterId)));
        }
        return messages.OrderBy(m => m.OccurredAt).ThenBy(m => m.Id).Take(limit).Select(m => new LeadMessage
        {
            Id = m.Id,
            Channel = m.Channel,
            Sender = m.Sender,
            Content = m.Content,
            MessageType = m.MessageType,
            Metadata = m.Metadata,
            ExternalId = m.ExternalId,
            OccurredAt = m.OccurredAt,
            CreatedAt = m.CreatedAt,
        });
    }

    public static async Task<Page<LeadMessage>> MessagesAsync(ProxeDbContext db, Guid leadId, DateTime? cursorAt, Guid? cursorId, int limit,
        CancellationToken cancellationToken)
    {
        var messages = await Messages(db, leadId, cursorAt, cursorId, limit).ToListAsync(cancellationToken);
        var last = messages.Count == limit ? messages[^1] : null;
        return new Page<LeadMessage>(messages, last is null ? null : Data.Cursor.Encode(last.OccurredAt, last.Id));
    }
}

public sealed record ChannelTotal(string Channel, long Count);
