using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.Options;
using Npgsql;
using Proxe.Contracts;
using Proxe.Messaging;
using Proxe.ServiceDefaults;
using Proxe.Workers.Interactions;
using Proxe.Workers.Journey;
using Proxe.Workers.Persistence;

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
        builder.Services.AddNpgsqlDataSource(connectionString);
        builder.Services.AddHostedService<DatabaseMigrator>();
        builder.Services.AddHealthChecks().AddNpgSql(name: "postgresql", tags: [ServiceDefaults.Extensions.ReadyTag]);

        builder.Services.AddSingleton<InteractionRecorder>();
        builder.Services.AddSingleton<IInteractionCommitObserver, CommitLagObserver>();
        builder.Services.AddSingleton<WebSessionWriter>();
        builder.Services.AddSingleton<WhatsAppSessionWriter>();
        builder.Services.AddSingleton<VoiceSessionWriter>();
        builder.Services.AddSingleton<SocialSessionWriter>();
    }

    static void AddMessaging(this IHostApplicationBuilder builder)
    {
        var rabbitMq = builder.Configuration.GetConnectionString("RabbitMq")
            ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not configured.");

        // Start consuming (queues declared and bound) before the host reports started.
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(host => host.WaitUntilStarted = true);
        builder.Services.AddInteractionTelemetry();
        builder.Services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            bus.AddConsumer<WebInteractionConsumer, WebInteractionConsumerDefinition>();
            bus.AddConsumer<WhatsAppInteractionConsumer, WhatsAppInteractionConsumerDefinition>();
            bus.AddConsumer<VoiceInteractionConsumer, VoiceInteractionConsumerDefinition>();
            bus.AddConsumer<SocialInteractionConsumer, SocialInteractionConsumerDefinition>();
            bus.AddSagaStateMachine<LeadJourneyStateMachine, LeadJourneyState>()
                .Repository(repository => repository.RegisterSagaRepository<LeadJourneyState, LeadJourneyDatabase,
                    SagaConsumeContextFactory<LeadJourneyDatabase, LeadJourneyState>, LeadJourneyRepositoryContextFactory>());

            bus.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<WorkerOptions>>().Value;
                cfg.Host(new Uri(rabbitMq));
                cfg.PrefetchCount = options.PrefetchCount;
                cfg.ConfigureInteractionRouting();

                cfg.ChannelEndpoint<WebInteractionConsumer>(context, Channels.Web);
                cfg.ChannelEndpoint<WhatsAppInteractionConsumer>(context, Channels.WhatsApp);
                cfg.ChannelEndpoint<VoiceInteractionConsumer>(context, Channels.Voice);
                cfg.ChannelEndpoint<SocialInteractionConsumer>(context, Channels.Social);

                cfg.ReceiveEndpoint(MessagingTopology.LeadJourneyQueue, endpoint =>
                {
                    endpoint.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                    endpoint.UsePartitioner<LeadInteractionRecorded>(endpoint.CreatePartitioner(options.JourneyPartitions),
                        recorded => recorded.Message.LeadId);
                    endpoint.UseTransientRetry(options);
                    endpoint.UseInMemoryOutbox(context);
                    endpoint.ConfigureSaga<LeadJourneyState>(context);
                });
            });
        });
    }

    static void ChannelEndpoint<TConsumer>(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context, string channel)
        where TConsumer : class, IConsumer =>
        cfg.ReceiveEndpoint(MessagingTopology.QueueFor(channel), endpoint =>
        {
            endpoint.BindChannel(channel);
            endpoint.ConfigureConsumer<TConsumer>(context);
        });
}
