using Microsoft.Extensions.Options;
using Proxe.Gateway.Brands;

namespace Proxe.Gateway.Providers;

/// <summary>A provider account without the secret that verifies its webhooks would refuse every request: fail at start instead.</summary>
public sealed class ProviderSecretsValidator : IValidateOptions<BrandOptions>
{
    public ValidateOptionsResult Validate(string? name, BrandOptions options)
    {
        var failures = new List<string>();
        foreach (var (brand, settings) in options.Brands)
        {
            if (settings.WhatsApp.PhoneNumberIds.Count > 0 && string.IsNullOrEmpty(settings.WhatsApp.AppSecret))
                failures.Add($"Brand '{brand}': WhatsApp:AppSecret is required with WhatsApp:PhoneNumberIds.");
            if (settings.Twilio.PhoneNumbers.Count > 0 && string.IsNullOrEmpty(settings.Twilio.AuthToken))
                failures.Add($"Brand '{brand}': Twilio:AuthToken is required with Twilio:PhoneNumbers.");
            if (settings.Meta.PageIds.Count + settings.Meta.InstagramAccountIds.Count > 0 && string.IsNullOrEmpty(settings.Meta.AppSecret))
                failures.Add($"Brand '{brand}': Meta:AppSecret is required with Meta:PageIds or Meta:InstagramAccountIds.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
