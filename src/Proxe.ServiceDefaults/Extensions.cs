using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Proxe.ServiceDefaults;

/// <summary>What every PROXe service shares, as in eShop's and Aspire's ServiceDefaults: telemetry, health, problem details.</summary>
public static class Extensions
{
    public const string ReadyTag = "ready";
    const string LiveTag = "live";
    const string MetricsPath = "/metrics";

    /// <summary>MassTransit 8 names both its ActivitySource and its Meter "MassTransit".</summary>
    const string MassTransitTelemetry = "MassTransit";

    /// <summary>PROXe's own spans, where no library makes one (a message shared by several requests).</summary>
    public const string ProxeTelemetry = "Proxe";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>
    /// Traces from ASP.NET Core, HttpClient, MassTransit and Npgsql, one trace from a webhook to its SQL statements; metrics
    /// scraped at /metrics; logs with trace and span ids. Everything also goes over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    /// </summary>
    public static IHostApplicationBuilder ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        // The console shows each line's scope, which carries TraceId and SpanId (ActivityTrackingOptions, on by default).
        builder.Services.Configure<SimpleConsoleFormatterOptions>(console => console.IncludeScopes = true);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(MassTransitTelemetry)
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                // Without an exporter, spans are only propagated (trace ids reach the logs and the next service), never recorded.
                .SetSampler(exportOtlp ? new ParentBasedSampler(new AlwaysOnSampler()) : new AlwaysOffSampler())
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsProbeOrScrape(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(MassTransitTelemetry, ProxeTelemetry)
                .AddNpgsql());

        if (exportOtlp)
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        return builder;
    }

    public static IHostApplicationBuilder AddDefaultHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// /health/live answers while the process runs; /health/ready only when its dependencies answer, and says which do not
    /// (<see cref="HealthReportWriter"/>); /metrics for Prometheus.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }

    /// <summary>Ready when <c>SELECT 1</c> succeeds over <c>ConnectionStrings:{connectionName}</c>.</summary>
    public static IHostApplicationBuilder AddPostgresReadiness(this IHostApplicationBuilder builder, string connectionName = "Proxe")
    {
        builder.Services.AddHealthChecks().AddNpgSql(
            services => services.GetRequiredService<IConfiguration>().GetConnectionString(connectionName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not configured."),
            name: "postgres",
            tags: [ReadyTag],
            timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    static bool IsProbeOrScrape(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);
}
