using Microsoft.Extensions.Options;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Publishing;

namespace Proxe.Gateway.Providers;

/// <summary>What every provider webhook handler takes from the container, bound with <c>[AsParameters]</c> as eShop's APIs do.</summary>
internal sealed record WebhookServices(
    BrandCatalog Brands, IInteractionPublisher Publisher, IOptions<ProviderOptions> Options, TimeProvider Time, ILoggerFactory Loggers)
{
    public ILogger Logger { get; } = Loggers.CreateLogger(typeof(ProviderEndpoints).FullName!);
}
