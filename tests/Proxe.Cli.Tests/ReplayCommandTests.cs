namespace Proxe.Cli.Tests;

public class ReplayCommandTests : DlqTestBase
{
    [Fact]
    public async Task Moves_every_message_back_with_body_and_message_id_intact()
    {
        await DeclareAsync(Queue);
        await DeclareAsync(ErrorQueue);
        var ids = await SeedFaultsAsync(ErrorQueue, 5);

        var result = await RunAsync("replay", ErrorQueue);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Replayed 5 message(s) from '{ErrorQueue}' to '{Queue}'.", result.Output);
        Assert.Equal(0u, await Rabbit.GetQueueDepthAsync(ErrorQueue));
        var replayed = await DrainAsync(Queue);
        Assert.Equal(ids, replayed.Select(m => m.MessageId));
        Assert.Equal(ids.Select((id, i) => Envelope(id, i)), replayed.Select(m => m.Body));
        Assert.All(replayed, m =>
        {
            Assert.True(m.Persistent);
            Assert.Equal("application/vnd.masstransit+json", m.ContentType);
            Assert.DoesNotContain(m.Headers.Keys, k => k.StartsWith("MT-Fault-") || k.StartsWith("MT-Host-") || k == "MT-Reason");
            Assert.Equal(1, m.Headers["MT-Replay-Count"]);
            Assert.Equal(ErrorQueue, m.Headers["MT-Replay-From"]);
            Assert.Equal("Npgsql.PostgresException", m.Headers["MT-Replay-Fault-ExceptionType"]);
            Assert.StartsWith("trace-", (string?)m.Headers["x-tenant-trace"]);
        });
    }

    [Fact]
    public async Task A_second_replay_counts_on()
    {
        await DeclareAsync(Queue);
        await DeclareAsync(ErrorQueue);
        await SeedFaultsAsync(ErrorQueue, 1);
        Assert.Equal(0, (await RunAsync("replay", ErrorQueue)).ExitCode);

        // The message fails again: MassTransit moves it back, keeping our headers and adding fresh fault headers.
        await using (var connection = await Rabbit.CreateConnectionFactory().CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var failed = await channel.BasicGetAsync(Queue, autoAck: true);
            Assert.NotNull(failed);
            var properties = new RabbitMQ.Client.BasicProperties(failed.BasicProperties)
            {
                Headers = new Dictionary<string, object?>(failed.BasicProperties.Headers!) { ["MT-Fault-Message"] = "again" },
            };
            await channel.BasicPublishAsync("", ErrorQueue, mandatory: true, properties, failed.Body.ToArray());
        }

        Assert.Equal(0, (await RunAsync("replay", ErrorQueue)).ExitCode);

        var replayed = Assert.Single(await DrainAsync(Queue));
        Assert.Equal(2, replayed.Headers["MT-Replay-Count"]);
        Assert.Equal("again", replayed.Headers["MT-Replay-Fault-Message"]);
    }

    [Fact]
    public async Task Count_moves_only_the_first_n()
    {
        await DeclareAsync(Queue);
        await DeclareAsync(ErrorQueue);
        var ids = await SeedFaultsAsync(ErrorQueue, 5);

        var result = await RunAsync("replay", ErrorQueue, "--count", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Replayed 2 message(s)", result.Output);
        Assert.Equal(ids.Take(2), (await DrainAsync(Queue)).Select(m => m.MessageId));
        Assert.Equal(ids.Skip(2), (await DrainAsync(ErrorQueue)).Select(m => m.MessageId));
    }

    [Fact]
    public async Task Dry_run_moves_nothing()
    {
        await DeclareAsync(Queue);
        await DeclareAsync(ErrorQueue);
        var ids = await SeedFaultsAsync(ErrorQueue, 3);

        var result = await RunAsync("replay", ErrorQueue, "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Dry run: would replay 3 of 3 message(s) from '{ErrorQueue}' to '{Queue}'.", result.Output);
        Assert.Equal(0u, await Rabbit.GetQueueDepthAsync(Queue));
        Assert.Equal(ids, (await DrainAsync(ErrorQueue)).Select(m => m.MessageId));
    }

    [Fact]
    public async Task Only_error_queues_can_be_replayed()
    {
        await DeclareAsync(Queue);
        await SeedFaultsAsync(Queue, 2);

        var result = await RunAsync("replay", Queue);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Only *_error queues can be replayed, and '{Queue}' is not one", result.Error);
        Assert.Equal(2u, await Rabbit.GetQueueDepthAsync(Queue));
    }

    [Fact]
    public async Task A_missing_base_queue_fails_and_moves_nothing()
    {
        await DeclareAsync(ErrorQueue);
        await SeedFaultsAsync(ErrorQueue, 2);

        var result = await RunAsync("replay", ErrorQueue);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Queue '{Queue}' does not exist", result.Error);
        Assert.Contains("nothing was moved", result.Error);
        Assert.Equal(2u, await Rabbit.GetQueueDepthAsync(ErrorQueue));
    }

    [Fact]
    public async Task A_missing_error_queue_fails_clearly()
    {
        await DeclareAsync(Queue);

        var result = await RunAsync("replay", ErrorQueue);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Queue '{ErrorQueue}' does not exist", result.Error);
    }

    [Fact]
    public async Task A_broker_nack_in_the_middle_loses_nothing()
    {
        // The broker refuses (nacks) the third publish: the base queue is full.
        await DeclareAsync(Queue, new Dictionary<string, object?> { ["x-max-length"] = 2, ["x-overflow"] = "reject-publish" });
        await DeclareAsync(ErrorQueue);
        var ids = await SeedFaultsAsync(ErrorQueue, 5);

        var result = await RunAsync("replay", ErrorQueue);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Stopped after 2/5: the broker refused it", result.Error);
        Assert.Contains($"for message {ids[2]}", result.Error);
        Assert.Contains("nothing was lost", result.Error);
        Assert.Equal(ids.Take(2), (await DrainAsync(Queue)).Select(m => m.MessageId));
        Assert.Equal(ids.Skip(2), (await DrainAsync(ErrorQueue)).Select(m => m.MessageId));
    }

    [Fact]
    public async Task Interrupted_midway_it_loses_nothing()
    {
        await DeclareAsync(Queue);
        await DeclareAsync(ErrorQueue);
        var ids = await SeedFaultsAsync(ErrorQueue, 3000);
        using var interrupt = new CancellationTokenSource();

        var run = RunAsync(["replay", ErrorQueue], Rabbit.AmqpUri.ToString(), Rabbit.ManagementUri.ToString(), interrupt.Token);
        while (await Rabbit.GetQueueDepthAsync(Queue) == 0 && !run.IsCompleted)
            await Task.Delay(10);
        await interrupt.CancelAsync();
        var result = await run;

        Assert.Equal(130, result.ExitCode);
        Assert.Contains("Interrupted after", result.Error);
        var moved = await DrainAsync(Queue);
        var left = await DrainAsync(ErrorQueue);
        Assert.NotEmpty(moved);
        Assert.NotEmpty(left);
        Assert.Equal(ids.Order(), moved.Concat(left).Select(m => m.MessageId!).Distinct().Order());
        Assert.InRange(moved.Count + left.Count, ids.Count, ids.Count + 1); // at most the one in flight, twice
    }
}
