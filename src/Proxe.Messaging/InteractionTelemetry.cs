using System.Diagnostics;
using MassTransit;
using Proxe.Contracts;

namespace Proxe.Messaging;

/// <summary>
/// Tags the publish and consume spans of PROXe's messages with what ops search by — brand, channel, interaction id,
/// provider event id, lead id — and never with a customer's phone, email or words; measures the journey's lag.
/// </summary>
public sealed class InteractionTelemetry(ProxeMetrics metrics, TimeProvider clock) : IPublishObserver, IConsumeObserver
{
    public const string BrandTag = "proxe.brand";
    public const string ChannelTag = "proxe.channel";
    public const string InteractionIdTag = "proxe.interaction_id";
    public const string ProviderEventIdTag = "proxe.provider_event_id";
    public const string LeadIdTag = "proxe.lead_id";

    public Task PrePublish<T>(PublishContext<T> context) where T : class
    {
        Tag(Activity.Current, context.Message);
        return Task.CompletedTask;
    }

    public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class
    {
        Tag(Activity.Current, context.Message);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.SentTime is not { } sent)
            return Task.CompletedTask;
        var sentAt = new DateTimeOffset(sent, TimeSpan.Zero);
        switch (context.Message)
        {
            case LeadInteractionRecorded recorded:
                metrics.JourneyApplied(recorded.Channel, sentAt, clock.GetUtcNow());
                break;
            case LeadInteractionsRecorded lead:
                foreach (var recorded in lead.Interactions)
                    metrics.JourneyApplied(recorded.Channel, sentAt, clock.GetUtcNow());
                break;
            case InteractionBatchRecorded batch:
                foreach (var recorded in batch.Leads.SelectMany(lead => lead.Interactions))
                    metrics.JourneyApplied(recorded.Channel, sentAt, clock.GetUtcNow());
                break;
        }
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    static void Tag(Activity? activity, object message)
    {
        if (activity is not { IsAllDataRequested: true })
            return;
        switch (message)
        {
            case ChannelInteractionReceived interaction:
                activity.SetTag(BrandTag, interaction.Brand);
                activity.SetTag(ChannelTag, interaction.Channel);
                activity.SetTag(InteractionIdTag, interaction.InteractionId);
                // A WhatsApp message id (wamid) is base64 around the sender's phone number: the interaction id, derived
                // from it, identifies the message instead.
                if (interaction.Channel != Channels.WhatsApp)
                    activity.SetTag(ProviderEventIdTag, interaction.ExternalEventId);
                break;
            case InteractionsReceived bundle:
                TagShared(activity, bundle.Interactions);
                break;
            case ChannelInteractionsReceived bundle:
                TagShared(activity, bundle.Interactions);
                break;
            case LeadInteractionRecorded recorded:
                activity.SetTag(BrandTag, recorded.Brand);
                activity.SetTag(ChannelTag, recorded.Channel);
                activity.SetTag(InteractionIdTag, recorded.InteractionId);
                activity.SetTag(LeadIdTag, recorded.LeadId);
                break;
            case LeadInteractionsRecorded lead:
                activity.SetTag(BrandTag, lead.Brand);
                activity.SetTag(LeadIdTag, lead.LeadId);
                break;
            case InteractionBatchRecorded batch:
                activity.SetTag(ChannelTag, batch.Channel);
                if (batch.Leads.DistinctBy(lead => lead.Brand).Count() == 1)
                    activity.SetTag(BrandTag, batch.Leads[0].Brand);
                if (batch.Leads is [var only])
                    activity.SetTag(LeadIdTag, only.LeadId);
                break;
            case LeadBecameCrossChannel crossChannel:
                activity.SetTag(BrandTag, crossChannel.Brand);
                activity.SetTag(LeadIdTag, crossChannel.LeadId);
                break;
        }
    }

    /// <summary>A message of several interactions: the channel and brand they share, if they share one; all of one alone's tags.</summary>
    static void TagShared(Activity activity, IReadOnlyList<ChannelInteractionReceived> interactions)
    {
        if (interactions is [var alone])
        {
            Tag(activity, alone);
            return;
        }
        if (interactions.Count > 0 && interactions.All(interaction => interaction.Channel == interactions[0].Channel))
            activity.SetTag(ChannelTag, interactions[0].Channel);
        if (interactions.Count > 0 && interactions.All(interaction => interaction.Brand == interactions[0].Brand))
            activity.SetTag(BrandTag, interactions[0].Brand);
    }
}
