using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Proxe.Cli.Tests;

/// <summary>The commands against what MassTransit 8 really writes into an _error queue, and what it accepts back.</summary>
public class MassTransitRoundTripTests : DlqTestBase
{
    [Fact]
    public async Task A_message_dead_lettered_by_MassTransit_is_shown_then_replayed_to_its_consumer()
    {
        var probes = new ProbeLog { Failing = true };
        var services = new ServiceCollection().AddSingleton(probes);
        services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            bus.AddConsumer<ProbeConsumer>();
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(Rabbit.AmqpUri);
                cfg.ReceiveEndpoint(Queue, endpoint => endpoint.ConfigureConsumer<ProbeConsumer>(context));
            });
        });
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        try
        {
            var id = NewId.NextGuid();
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{Queue}"));
            await endpoint.Send(new Probe(CustomerPhone), context => context.MessageId = id);
            await Rabbit.WaitForQueueDepthAsync(ErrorQueue, 1);

            var show = await RunAsync("show", ErrorQueue);

            Assert.Equal(0, show.ExitCode);
            Assert.Contains($"message id   {id}", show.Output);
            Assert.Contains("urn:message:Proxe.Cli.Tests:Probe", show.Output);
            Assert.Contains("System.InvalidOperationException", show.Output);
            Assert.Contains("probe failed for +91******3210", show.Output);
            Assert.Contains(Environment.MachineName, show.Output);
            Assert.Contains($"/{Queue}", show.Output);
            Assert.DoesNotContain("9876543210", show.Output);
            Assert.Equal(1u, await Rabbit.GetQueueDepthAsync(ErrorQueue));

            probes.Failing = false;
            var replay = await RunAsync("replay", ErrorQueue);

            Assert.Equal(0, replay.ExitCode);
            var (messageId, replays) = await probes.Handled.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(id, messageId);
            Assert.Equal(1, replays);
            Assert.Equal(0u, await Rabbit.GetQueueDepthAsync(ErrorQueue));
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    public sealed class ProbeLog
    {
        public volatile bool Failing;

        public TaskCompletionSource<(Guid? MessageId, int Replays)> Handled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public sealed class ProbeConsumer(ProbeLog log) : IConsumer<Probe>
    {
        public Task Consume(ConsumeContext<Probe> context)
        {
            if (log.Failing)
                throw new InvalidOperationException($"probe failed for {context.Message.Phone}");

            log.Handled.TrySetResult((context.MessageId, context.ReceiveContext.TransportHeaders.Get<int>("MT-Replay-Count") ?? 0));
            return Task.CompletedTask;
        }
    }
}

public record Probe(string Phone);
