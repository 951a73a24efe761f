using Microsoft.Extensions.Options;
using Proxe.Gateway.Brands;

namespace Proxe.Gateway.Tests.Providers;

/// <summary>
/// The provider samples (byte-exact copies of ../shared/provider-samples in Samples/) and two brands that own
/// the accounts named in them. Secrets are the ones the public signature vectors were made with.
/// </summary>
public static class ProviderTestData
{
    public const string AcmeWhatsAppSecret = "1222e786b144d0e85b9f365372d93676"; // vector A (pywa, already reset)
    public const string AcmeMetaSecret = "Bar"; // vector C (botman)
    public const string TwilioToken = "12345"; // twilio SDK vectors
    public const string AcmeWidgetSecret = "acme-widget-secret-0123456789";
    public const string GlobexWhatsAppSecret = "globex-whatsapp-secret";
    public const string GlobexMetaSecret = "globex-meta-secret";
    public const string GlobexTwilioToken = "globex-twilio-token";

    public const string AcmeTwilioNumber = "+13163336936"; // To of the Twilio samples
    public const string GlobexTwilioNumber = "+14155550100";

    /// <summary>Configuration keys, for the gateway under test.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Proxe:Brands:acme:WhatsApp:PhoneNumberIds:0"] = "277321005464405",
        ["Proxe:Brands:acme:WhatsApp:PhoneNumberIds:1"] = "106540352242922",
        ["Proxe:Brands:acme:WhatsApp:AppSecret"] = AcmeWhatsAppSecret,
        ["Proxe:Brands:acme:WhatsApp:VerifyToken"] = "acme-whatsapp-verify",
        ["Proxe:Brands:acme:Meta:PageIds:0"] = "111899832631525",
        ["Proxe:Brands:acme:Meta:InstagramAccountIds:0"] = "17841400538867190",
        ["Proxe:Brands:acme:Meta:AppSecret"] = AcmeMetaSecret,
        ["Proxe:Brands:acme:Meta:VerifyToken"] = "acme-meta-verify",
        ["Proxe:Brands:acme:Twilio:PhoneNumbers:0"] = AcmeTwilioNumber,
        ["Proxe:Brands:acme:Twilio:AuthToken"] = TwilioToken,
        ["Proxe:Brands:acme:Twilio:IncomingCallTwiml"] = "<Response><Say>Welcome to Acme.</Say><Record transcribe=\"true\"/></Response>",
        ["Proxe:Brands:acme:WebWidget:Secret"] = AcmeWidgetSecret,
        ["Proxe:Brands:globex:WhatsApp:PhoneNumberIds:0"] = "1122334455667",
        ["Proxe:Brands:globex:WhatsApp:PhoneNumberIds:1"] = "123456123",
        ["Proxe:Brands:globex:WhatsApp:AppSecret"] = GlobexWhatsAppSecret,
        ["Proxe:Brands:globex:WhatsApp:VerifyToken"] = "globex-whatsapp-verify",
        ["Proxe:Brands:globex:Meta:PageIds:0"] = "220000000000002",
        ["Proxe:Brands:globex:Meta:AppSecret"] = GlobexMetaSecret,
        ["Proxe:Brands:globex:Twilio:PhoneNumbers:0"] = GlobexTwilioNumber,
        ["Proxe:Brands:globex:Twilio:AuthToken"] = GlobexTwilioToken,
    };

    public static BrandCatalog Brands() => new(Options.Create(new BrandOptions
    {
        Brands =
        {
            ["acme"] = new BrandSettings
            {
                DefaultRegion = "IN",
                WhatsApp = new WhatsAppSettings { PhoneNumberIds = ["277321005464405", "106540352242922"], AppSecret = AcmeWhatsAppSecret },
                Meta = new MetaSettings { PageIds = ["111899832631525"], InstagramAccountIds = ["17841400538867190"], AppSecret = AcmeMetaSecret },
                Twilio = new TwilioSettings { PhoneNumbers = [AcmeTwilioNumber], AuthToken = TwilioToken },
                WebWidget = new WebWidgetSettings { Secret = AcmeWidgetSecret },
            },
            ["globex"] = new BrandSettings
            {
                DefaultRegion = "US",
                WhatsApp = new WhatsAppSettings { PhoneNumberIds = ["1122334455667", "123456123"], AppSecret = GlobexWhatsAppSecret },
                Meta = new MetaSettings { PageIds = ["220000000000002"], AppSecret = GlobexMetaSecret },
                Twilio = new TwilioSettings { PhoneNumbers = [GlobexTwilioNumber], AuthToken = GlobexTwilioToken },
            },
        },
    }));

    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static string SamplePath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Proxe.Gateway.Tests", "Providers", "Samples", name);
            if (File.Exists(candidate))
                return candidate;
        }

        throw new FileNotFoundException($"Provider sample '{name}' not found above {AppContext.BaseDirectory}.");
    }

    public static byte[] Sample(string name) => File.ReadAllBytes(SamplePath(name));

    public static string SampleText(string name) => File.ReadAllText(SamplePath(name));
}
