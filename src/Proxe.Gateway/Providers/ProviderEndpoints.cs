using Proxe.Gateway.Providers.Meta;
using Proxe.Gateway.Providers.Twilio;
using Proxe.Gateway.Providers.WebWidget;
using Proxe.Gateway.Providers.WhatsApp;

namespace Proxe.Gateway.Providers;

/// <summary>The channel providers' webhooks: WhatsApp Cloud API, Twilio Voice, Messenger/Instagram and the PROXe web widget.</summary>
public static class ProviderEndpoints
{
    public static IEndpointRouteBuilder MapProviderWebhooks(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("").WithTags("Provider webhooks");
        webhooks.MapWhatsAppWebhooks();
        webhooks.MapMetaWebhooks();
        webhooks.MapTwilioVoiceWebhooks();
        webhooks.MapWebWidgetWebhooks();
        return app;
    }
}
