using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

public sealed class SocialSessionWriter : SessionWriter
{
    public override string Channel => Channels.Social;

    /// <summary>The latest engagement describes the session; a late older one only counts.</summary>
    const string EngagementIsLatest = "excluded.last_engagement_at >= coalesce(s.last_engagement_at, '-infinity')";

    public override string Key(ChannelInteractionReceived interaction) => $"{Platform(interaction)}\n{PlatformUserId(interaction)}";

    static string Platform(ChannelInteractionReceived interaction) => interaction.Social?.Platform ?? interaction.Customer.Platform ?? "unknown";

    static string PlatformUserId(ChannelInteractionReceived interaction) => interaction.Social?.PlatformUserId ?? interaction.SessionKey;

    protected override string UpsertSql { get; } = $"""
        INSERT INTO social_sessions AS s (brand, lead_id, platform, platform_user_id, platform_username, customer_name,
            customer_email, customer_phone, customer_phone_normalized, engagement_type, content_id, engagement_preview,
            last_engagement_at, engagement_count, conversation_summary, conversation_context, user_inputs_summary,
            sentiment, engagement_quality, channel_data)
        SELECT brand, lead_id, platform, platform_user_id, platform_username, customer_name,
            customer_email, customer_phone, customer_phone_normalized, engagement_type, content_id, coalesce(engagement_preview, message_preview),
            message_at, message_count, conversation_summary, conversation_context, user_inputs_summary,
            sentiment, engagement_quality, channel_data
        FROM {Rows("platform", "platform_user_id", "platform_username", "engagement_type", "content_id", "engagement_preview",
            "conversation_summary", "conversation_context", "user_inputs_summary", "sentiment", "engagement_quality", "channel_data")}
        ORDER BY position
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

    protected override void AddColumns(SessionRows rows) => rows
        .Text("platform", write => Platform(write.Interaction))
        .Text("platform_user_id", write => PlatformUserId(write.Interaction))
        .Text("platform_username", write => write.Interaction.Social?.PlatformUsername ?? write.Interaction.Customer.Username)
        .Text("engagement_type", write => write.Interaction.Social?.EngagementType ?? (write.MessageIsNew ? "dm" : null))
        .Text("content_id", write => write.Interaction.Social?.ContentId)
        .Text("engagement_preview", write => write.Interaction.Social?.EngagementPreview)
        .Text("conversation_summary", write => write.Interaction.Social?.ConversationSummary)
        .Json("conversation_context", write => Json(write.Interaction.Social?.ConversationContext))
        .Text("user_inputs_summary", write => write.Interaction.Social?.UserInputsSummary)
        .Text("sentiment", write => write.Interaction.Social?.Sentiment)
        .Text("engagement_quality", write => write.Interaction.Social?.EngagementQuality)
        .Json("channel_data", write => ChannelData(write.Interaction.Social?.ChannelData));
}
