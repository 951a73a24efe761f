using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Proxe.Messaging;

public static class Extensions
{
    /// <summary>Tags every publish and consume of this service's bus and measures the journey's lag (<see cref="InteractionTelemetry"/>).</summary>
    public static IServiceCollection AddInteractionTelemetry(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<InteractionTelemetry>();
        services.AddPublishObserver(provider => provider.GetRequiredService<InteractionTelemetry>());
        services.AddConsumeObserver(provider => provider.GetRequiredService<InteractionTelemetry>());
        return services;
    }
}
