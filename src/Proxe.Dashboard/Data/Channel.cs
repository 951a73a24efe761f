using Proxe.Contracts;

namespace Proxe.Dashboard.Data;

/// <summary>The seed dashboard's channel labels.</summary>
public static class ChannelLabels
{
    public static string Of(string channel) => channel switch
    {
        Channels.Web => "🌐 Web",
        Channels.WhatsApp => "💬 WhatsApp",
        Channels.Voice => "☎️ Voice",
        Channels.Social => "📱 Social",
        _ => channel,
    };

    /// <summary>The plain name, for labels that must read without an emoji font.</summary>
    public static string Name(string channel) => channel switch
    {
        Channels.Web => "Web",
        Channels.WhatsApp => "WhatsApp",
        Channels.Voice => "Voice",
        Channels.Social => "Social",
        _ => channel,
    };
}
