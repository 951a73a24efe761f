using Npgsql;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

public sealed class SocialSessionWriter : SessionWriter
{
    public override string Channel => Channels.Social;

    public override string SessionName => "social session";

    /// <summary>The latest engagement describes the session; a late older one only counts.</summary>
    const string EngagementIsLatest = "excluded.last_engagement_at >= coalesce(s.last_engagement_at, '-infinity')";

    public override string Key(ChannelInteractionReceived interaction) => $"{Platform(interaction)}\n{PlatformUserId(interaction)}";

    static string Platform(ChannelInteractionReceived interaction) => interaction.Social?.Platform ?? interaction.Customer.Platform ?? "unknown";

    static string PlatformUserId(ChannelInteractionReceived interaction) => interaction.Social?.PlatformUserId ?? interaction.SessionKey;

    static readonly string UpsertSql = $"""
        INSERT INTO social_sessions AS s (brand, lead_id, platform, platform_user_id, platform_username, customer_name,
            customer_email, customer_phone, customer_phone_normalized, engagement_type, content_id, engagement_preview,
            last_engagement_at, engagement_count, conversation_summary, conversation_context, user_inputs_summary,
            sentiment, engagement_quality, channel_data)
        VALUES (@brand, @lead_id, @platform, @platform_user_id, @platform_username, @customer_name,
            @customer_email, @customer_phone, @customer_phone_normalized, @engagement_type, @content_id, coalesce(@engagement_preview, @message_preview),
            @message_at, @message_count, @conversation_summary, @conversation_context, @user_inputs_summary,
            @sentiment, @engagement_quality, @channel_data)
        ON CONFLICT (brand, platform, platform_user_id) DO UPDATE SET
            {Coalesce("platform_username", "customer_name", "customer_email", "customer_phone", "customer_phone_normalized")},
            engagement_type = CASE WHEN {EngagementIsLatest} THEN coalesce(excluded.engagement_type, s.engagement_type) ELSE s.engagement_type END,
            content_id = CASE WHEN {EngagementIsLatest} THEN excluded.content_id ELSE s.content_id END,
            engagement_preview = CASE WHEN {EngagementIsLatest} THEN coalesce(excluded.engagement_preview, s.engagement_preview) ELSE s.engagement_preview END,
            last_engagement_at = greatest(s.last_engagement_at, excluded.last_engagement_at),
            engagement_count = s.engagement_count + excluded.engagement_count,
            {Coalesce("conversation_summary", "conversation_context", "user_inputs_summary", "sentiment", "engagement_quality")},
            channel_data = s.channel_data || excluded.channel_data
        """;

    public override NpgsqlCommand Upsert(NpgsqlConnection connection, SessionWrite write)
    {
        var interaction = write.Interaction;
        var social = interaction.Social;
        return CommonCommand(connection, UpsertSql, write)
            .With("platform", Platform(interaction))
            .With("platform_user_id", PlatformUserId(interaction))
            .With("platform_username", social?.PlatformUsername ?? interaction.Customer.Username)
            .With("engagement_type", social?.EngagementType ?? (write.MessageIsNew ? "dm" : null))
            .With("content_id", social?.ContentId)
            .With("engagement_preview", social?.EngagementPreview)
            .With("conversation_summary", social?.ConversationSummary)
            .WithJson("conversation_context", Json(social?.ConversationContext))
            .With("user_inputs_summary", social?.UserInputsSummary)
            .With("sentiment", social?.Sentiment)
            .With("engagement_quality", social?.EngagementQuality)
            .WithJson("channel_data", ChannelData(social?.ChannelData));
    }
}
