using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Proxe.Messaging;
using Proxe.Workers.Health;
using Proxe.Workers.Interactions;
using Proxe.Workers.Journey;
using Proxe.Workers.Persistence;
using Proxe.Workers.Stats;

namespace Proxe.Workers;

public static class Extensions
{
    public static IHostApplicationBuilder AddWorkers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();

        builder.AddDatabase();
        builder.AddMessaging();
        return builder;
    }

    /// <summary>
    /// The deployment's connection string logs in and assumes proxe_ingest (Options=-c role=proxe_ingest),
    /// so row-level security applies to the workers like to everyone else.
    /// </summary>
    static void AddDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Proxe")
            ?? throw new InvalidOperationException("ConnectionStrings:Proxe is not configured.");
        builder.Services.AddNpgsqlDataSource(connectionString, ConfigureDataSource);
        builder.Services.AddHostedService<DatabaseMigrator>();
        builder.Services.AddHostedService<StatsCompactor>();
        builder.Services.AddHostedService<JourneyMemoryPruner>();
        builder.Services.AddHostedService<NotedChannelFirstsMerger>();
        builder.Services.AddHealthChecks().AddNpgSql(name: "postgresql", tags: [ServiceDefaults.Extensions.ReadyTag]);

        builder.Services.AddSingleton<InteractionRecorder>();
        builder.Services.AddSingleton<IInteractionCommitObserver, CommitLagObserver>();
        builder.Services.AddSingleton<WebSessionWriter>();
        builder.Services.AddSingleton<WhatsAppSessionWriter>();
        builder.Services.AddSingleton<VoiceSessionWriter>();
        builder.Services.AddSingleton<SocialSessionWriter>();
        builder.Services.AddSingleton<SessionWriter>(services => services.GetRequiredService<WebSessionWriter>());
        builder.Services.AddSingleton<SessionWriter>(services => services.GetRequiredService<WhatsAppSessionWriter>());
        builder.Services.AddSingleton<SessionWriter>(services => services.GetRequiredService<VoiceSessionWriter>());
        builder.Services.AddSingleton<SessionWriter>(services => services.GetRequiredService<SocialSessionWriter>());
        builder.Services.AddSingleton<ChannelTransactions>();
        builder.Services.AddSingleton<LeadJourneys>();
    }

    /// <summary>
    /// The workers never change a session's state (only SET LOCAL and transaction-scoped advisory locks), so a pooled
    /// connection is not reset when returned: Npgsql still rolls back a transaction left open, and the reset statements
    /// would run once per batch and once per journey event.
    /// SQL spans are started only inside a recorded trace: Npgsql copies a batch's whole text for its span before the
    /// sampler is asked, which was a fifth of the workers' allocations with tracing off.
    /// A connection lives a minute at most: PostgreSQL plans a connection's foreign-key checks once, and those planned
    /// while all_leads was nearly empty (a new database) scan all of a brand's leads for every row written until the
    /// table is first analyzed, which under load took minutes (bench/README.md, "2026-12-05 (stop 24)").
    /// A lead's first time on a channel is noted for the journey's save rather than written to all_leads by the channel's
    /// transaction (proxe.channel_firsts, migration 009).
    /// </summary>
    public static void ConfigureDataSource(NpgsqlDataSourceBuilder dataSource)
    {
        dataSource.ConnectionStringBuilder.Options = $"{dataSource.ConnectionStringBuilder.Options} -c proxe.channel_firsts=journey".TrimStart();
        dataSource.ConnectionStringBuilder.NoResetOnClose = true;
        dataSource.ConnectionStringBuilder.ConnectionLifetime = 60;
        dataSource.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => InRecordedTrace)
            .ConfigureBatchFilter(_ => InRecordedTrace));
    }

    static bool InRecordedTrace => Activity.Current?.Recorded == true;

    static void AddMessaging(this IHostApplicationBuilder builder)
    {
        var rabbitMq = builder.Configuration.GetConnectionString("RabbitMq")
            ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not configured.");

        // Start consuming (queues declared and bound) before the host reports started.
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(host => host.WaitUntilStarted = true);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ConsumptionPause>();
        builder.Services.AddHealthChecks()
            .AddCheck<ReceiveEndpointsReadiness>("receive-endpoints", tags: [ServiceDefaults.Extensions.ReadyTag])
            .AddCheck<ConsumptionPause>("consumption", tags: [ServiceDefaults.Extensions.ReadyTag]);
        builder.Services.AddInteractionTelemetry();
        builder.Services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            bus.AddConsumeObserver<ConsumptionPause>(provider => provider.GetRequiredService<ConsumptionPause>());
            bus.AddConsumer<InteractionsConsumer, InteractionsConsumerDefinition>();
            bus.AddConsumer<WebInteractionConsumer, WebInteractionConsumerDefinition>();
            bus.AddConsumer<WhatsAppInteractionConsumer, WhatsAppInteractionConsumerDefinition>();
            bus.AddConsumer<VoiceInteractionConsumer, VoiceInteractionConsumerDefinition>();
            bus.AddConsumer<SocialInteractionConsumer, SocialInteractionConsumerDefinition>();
            bus.AddConsumer<LeadJourneyConsumer, LeadJourneyConsumerDefinition>();

            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(rabbitMq));
                cfg.ConfigureInteractionRouting();
                cfg.ConfigureEndpoints(context);
            });
        });
        // After MassTransit's hosted service: it starts once the bus has, and stops before the bus does.
        builder.Services.AddHostedService<ConsumerWatchdog>();
    }
}
