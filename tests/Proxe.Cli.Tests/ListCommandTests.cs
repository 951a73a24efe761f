namespace Proxe.Cli.Tests;

public class ListCommandTests : DlqTestBase
{
    [Fact]
    public async Task Lists_every_error_queue_with_its_exact_message_count()
    {
        await DeclareAsync(Queue);
        await DeclareAsync(ErrorQueue);
        await DeclareAsync("lead-journey_error");
        await SeedFaultsAsync(ErrorQueue, 3);
        await SeedFaultsAsync(Queue, 2);

        var result = await RunAsync("list");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        var rows = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        Assert.Equal(["QUEUE", "MESSAGES", "CONSUMERS"], rows[0]);
        Assert.Equal(["lead-journey_error", "0", "0"], rows[1]);
        Assert.Equal(["web-interactions_error", "3", "0"], rows[2]);
        Assert.StartsWith("2 error queue(s), 3 message(s)", result.Output.Split('\n')[3]);
        Assert.DoesNotContain($"{Queue} ", result.Output);
    }

    [Fact]
    public async Task An_empty_vhost_is_not_an_error()
    {
        await DeclareAsync(Queue);

        var result = await RunAsync("list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No *_error queues in virtual host", result.Output);
    }
}
