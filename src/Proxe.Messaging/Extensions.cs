using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Proxe.Messaging;

public static class Extensions
{
    /// <summary>
    /// Tags every publish and consume of this service's bus and measures the journey's lag (<see cref="InteractionTelemetry"/>);
    /// exports PROXe's own instruments (<see cref="ProxeMetrics"/>) beside what ServiceDefaults measures.
    /// </summary>
    public static IServiceCollection AddInteractionTelemetry(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProxeMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ProxeMetrics.MeterName));
        services.AddSingleton<InteractionTelemetry>();
        services.AddPublishObserver(provider => provider.GetRequiredService<InteractionTelemetry>());
        services.AddConsumeObserver(provider => provider.GetRequiredService<InteractionTelemetry>());
        return services;
    }
}
