using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Http;
using Proxe.Gateway.Providers;
using Proxe.Gateway.Publishing;
using Proxe.Messaging;

namespace Proxe.Gateway;

public static class Extensions
{
    public static IHostApplicationBuilder AddGatewayApi(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddOpenApi();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddExceptionHandler<ClientErrorHandler>();
        // Kestrel runs each request on the thread that read it, and with the runtime's inline socket completions
        // (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 wherever the gateway is deployed) that is the socket event
        // thread: no hand-off to the thread pool per request (bench/README.md, "2026-12-05 (stop 23)"). This needs a
        // request path that does not wait for the disk: the spool's writes and fsyncs run on a thread of their own, and
        // the readiness probe's write test off the request's thread.
        builder.Services.Configure<SocketTransportOptions>(sockets => sockets.UnsafePreferInlineScheduling = true);
        return builder;
    }

    /// <summary>
    /// Every answer of the API and the webhooks is for one caller only: they may carry customer data (a TwiML greeting,
    /// a handshake's challenge, field problems), so no proxy or browser may keep them.
    /// </summary>
    public static IApplicationBuilder UseNoStoreAnswers(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (!context.Request.Path.StartsWithSegments("/openapi") && !context.Request.Path.StartsWithSegments("/scalar"))
                    context.Response.Headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            return next(context);
        });

    public static IHostApplicationBuilder AddBrands(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BrandOptions>().BindConfiguration(BrandOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BrandOptions>, BrandOptionsValidator>();
        builder.Services.AddSingleton<BrandCatalog>();
        return builder;
    }

    /// <summary>What the provider webhooks (<see cref="ProviderEndpoints.MapProviderWebhooks"/>) need beside the brands.</summary>
    public static IHostApplicationBuilder AddProviderWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProviderOptions>().BindConfiguration(ProviderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BrandOptions>, ProviderSecretsValidator>();
        return builder;
    }

    /// <summary>
    /// The gateway only publishes. The bus connects in the background, so the app starts while RabbitMQ is down;
    /// requests the broker cannot take go to the spool (src/Proxe.Gateway/Publishing/InteractionSpool.cs), which the
    /// drain publishes once the broker is back. A bus that is down only degrades readiness: the gateway still keeps
    /// its promise, and only the spool (full, unwritable) makes it unready.
    /// </summary>
    public static IHostApplicationBuilder AddInteractionPublishing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PublishingOptions>().BindConfiguration(PublishingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddKeyedSingleton(InteractionBundler.PipelineKey, (sp, _) =>
            InteractionBundler.CreatePipeline(sp.GetRequiredService<IOptions<PublishingOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<InteractionBundler>();
        builder.Services.AddSingleton<IInteractionPublisher, InteractionPublisher>();
        builder.Services.AddExceptionHandler<BrokerUnavailableHandler>();
        builder.Services.AddHttpContextAccessor();

        builder.Services.AddOptions<SpoolOptions>().BindConfiguration(SpoolOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<InteractionSpool>();
        builder.Services.AddSingleton<BrokerOutage>();
        builder.Services.AddSingleton<ISpoolStatus>(sp => sp.GetRequiredService<InteractionSpool>());
        builder.Services.AddHostedService<SpoolDrain>();
        builder.Services.AddSingleton<SpoolMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, _) => services.GetRequiredService<SpoolMetrics>());
        builder.Services.AddHealthChecks().AddCheck<SpoolHealthCheck>("spool", tags: [ServiceDefaults.Extensions.ReadyTag]);
        builder.Services.AddInteractionTelemetry();

        builder.Services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.ConfigureHealthCheckOptions(o =>
            {
                o.Name = "rabbitmq-bus";
                o.MinimalFailureStatus = HealthStatus.Degraded;
                o.Tags.Add(ServiceDefaults.Extensions.ReadyTag);
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                var connectionString = context.GetRequiredService<IConfiguration>().GetConnectionString("RabbitMq")
                    ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq (an amqp:// URI) is not configured.");
                cfg.Host(new Uri(connectionString), h => h.PublisherConfirmation = true);
                cfg.ConfigureInteractionRouting();
            });
        });
        return builder;
    }
}
