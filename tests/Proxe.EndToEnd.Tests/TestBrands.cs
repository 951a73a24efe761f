namespace Proxe.EndToEnd.Tests;

/// <summary>
/// A brand configured in the gateway under test. Every brand owns its own provider accounts, so a webhook is routed
/// by the account in its payload exactly as in production. Secrets are test values, shared by all brands.
/// </summary>
public sealed record TestBrand(string Name, int Index)
{
    /// <summary>App secret of the real Meta-signed sample (meta_signature_vector.txt, vector A; already reset by its owner).</summary>
    public const string WhatsAppAppSecret = "1222e786b144d0e85b9f365372d93676";
    public const string MetaAppSecret = "e2e-meta-app-secret";
    public const string TwilioAuthToken = "e2e-twilio-auth-token";
    public const string WidgetSecret = "e2e-web-widget-secret";
    public const string IncomingCallTwiml = "<Response><Say>Welcome to PROXe.</Say></Response>";

    /// <summary>The brand that owns the accounts named in the provider samples.</summary>
    public const string Samples = "acme";

    /// <summary>
    /// Owns the WhatsApp number of the delivery-receipt sample, whose contact shares its business-scoped user id with the
    /// image sample's contact: in one brand the two would rightly be one lead, and the samples' results would depend on their order.
    /// </summary>
    public const string ReceiptSamples = "globex";

    public const string HouseNumber = "+91 98450 99999";

    public string ApiKey => $"{Name}-e2e-api-key-0123456789";

    public string WhatsAppPhoneNumberId => $"9100000000{Index:000}";

    public string TwilioNumber => $"+1415555{Index:0000}";

    public string InstagramAccountId => $"1784100000000{Index:000}";

    public string PageId => $"2200000000{Index:000}";

    /// <summary>The accounts named in the provider samples, by the brand that owns them.</summary>
    static readonly Dictionary<string, Dictionary<string, string[]>> SampleAccounts = new()
    {
        [Samples] = new()
        {
            ["WhatsApp:PhoneNumberIds"] = ["106540352242922", "277321005464405", "1122334455667"],
            ["Twilio:PhoneNumbers"] = ["+13163336936"],
            ["Meta:InstagramAccountIds"] = ["17841400538867190"],
            ["Meta:PageIds"] = ["111899832631525"],
        },
        [ReceiptSamples] = new() { ["WhatsApp:PhoneNumberIds"] = ["123456123"] },
    };

    /// <summary>The configuration keys of this brand, as the gateway binds them from "Proxe:Brands".</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings()
    {
        var prefix = $"Proxe:Brands:{Name}:";
        var accounts = new Dictionary<string, string[]>
        {
            ["WhatsApp:PhoneNumberIds"] = [WhatsAppPhoneNumberId],
            ["Twilio:PhoneNumbers"] = [TwilioNumber],
            ["Meta:InstagramAccountIds"] = [InstagramAccountId],
            ["Meta:PageIds"] = [PageId],
        };
        foreach (var (key, ids) in SampleAccounts.GetValueOrDefault(Name) ?? [])
            accounts[key] = [.. accounts[key], .. ids];

        yield return new(prefix + "ApiKey", ApiKey);
        yield return new(prefix + "DefaultRegion", "IN");
        yield return new(prefix + "WhatsApp:AppSecret", WhatsAppAppSecret);
        yield return new(prefix + "Meta:AppSecret", MetaAppSecret);
        yield return new(prefix + "Twilio:AuthToken", TwilioAuthToken);
        yield return new(prefix + "Twilio:IncomingCallTwiml", IncomingCallTwiml);
        yield return new(prefix + "WebWidget:Secret", WidgetSecret);
        // The contract tests' brand answers its own line; it must never identify a customer.
        if (Name == "contract")
            yield return new(prefix + "HouseNumbers:0", HouseNumber);
        foreach (var (key, ids) in accounts)
            for (var i = 0; i < ids.Length; i++)
                yield return new($"{prefix}{key}:{i}", ids[i]);
    }
}
