using Npgsql;

namespace Proxe.Bench.Workload;

/// <summary>
/// The lead columns the journey's save writes, of some leads, against their own rows: all_leads.channel_first_at and
/// journey as their messages and sessions say (each channel's first message's occurred_at or first session's
/// created_at, migration 004), no first time still noted for a journey save (migration 009), and no name, email or
/// phone missing that one of their sessions has (the details their interactions' events carry). Connect as a user that
/// sees every row.
/// </summary>
public static class JourneyColumns
{
    public static async Task<(long WrongLeads, long NotedLeft)> CheckAsync(NpgsqlDataSource database, Guid[] leadIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            WITH firsts AS (SELECT lead_id, channel, min(at) AS at
                            FROM (SELECT lead_id, channel, occurred_at AS at FROM messages WHERE lead_id = ANY($1)
                                  UNION ALL SELECT lead_id, 'web', created_at FROM web_sessions WHERE lead_id = ANY($1)
                                  UNION ALL SELECT lead_id, 'whatsapp', created_at FROM whatsapp_sessions WHERE lead_id = ANY($1)
                                  UNION ALL SELECT lead_id, 'voice', created_at FROM voice_sessions WHERE lead_id = ANY($1)
                                  UNION ALL SELECT lead_id, 'social', created_at FROM social_sessions WHERE lead_id = ANY($1)) seen
                            GROUP BY lead_id, channel),
                 expected AS (SELECT lead_id, jsonb_object_agg(channel, at) AS firsts FROM firsts GROUP BY lead_id),
                 given AS (SELECT lead_id, bool_or(customer_name IS NOT NULL) AS name, bool_or(customer_email IS NOT NULL) AS email,
                                  bool_or(customer_phone IS NOT NULL) AS phone
                           FROM (SELECT lead_id, customer_name, customer_email, customer_phone FROM web_sessions WHERE lead_id = ANY($1)
                                 UNION ALL SELECT lead_id, customer_name, customer_email, customer_phone FROM whatsapp_sessions WHERE lead_id = ANY($1)
                                 UNION ALL SELECT lead_id, customer_name, customer_email, customer_phone FROM voice_sessions WHERE lead_id = ANY($1)
                                 UNION ALL SELECT lead_id, customer_name, customer_email, customer_phone FROM social_sessions WHERE lead_id = ANY($1)) s
                           GROUP BY lead_id)
            SELECT count(*) FILTER (WHERE (SELECT jsonb_object_agg(key, value::timestamptz) FROM jsonb_each_text(l.channel_first_at)) IS DISTINCT FROM e.firsts
                                       OR l.journey <> proxe_lead_journey(l.first_touchpoint, e.firsts)
                                       OR (l.customer_name IS NULL AND g.name) OR (l.email IS NULL AND g.email) OR (l.phone IS NULL AND g.phone)),
                   (SELECT count(*) FROM lead_channel_firsts WHERE lead_id = ANY($1))
            FROM all_leads l JOIN expected e ON e.lead_id = l.id LEFT JOIN given g ON g.lead_id = l.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = leadIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
