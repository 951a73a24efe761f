namespace Proxe.Cli.Tests;

public class ShowCommandTests : DlqTestBase
{
    [Fact]
    public async Task Prints_fault_headers_and_leaves_every_message_in_place_in_order()
    {
        await DeclareAsync(Queue);
        await DeclareAsync(ErrorQueue);
        var ids = await SeedFaultsAsync(ErrorQueue, 4);

        var result = await RunAsync("show", ErrorQueue, "--count", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{ErrorQueue}: showing 2 of 4 message(s)", result.Output);
        Assert.Contains($"#1  message id   {ids[0]}", result.Output);
        Assert.Contains($"#2  message id   {ids[1]}", result.Output);
        Assert.DoesNotContain(ids[2], result.Output);
        Assert.Contains("urn:message:Proxe.Contracts:ChannelInteractionReceived", result.Output);
        Assert.Contains("Npgsql.PostgresException", result.Output);
        Assert.Contains("23505: duplicate key for phone +91******3210", result.Output);
        Assert.Contains("2025-03-01T10:15:30.0000000Z", result.Output);
        Assert.Contains("worker-7 (Proxe.Workers, pid 4242)", result.Output);
        Assert.Contains($"/{Queue}", result.Output);
        Assert.Contains("Proxe.Contracts:ChannelInteractionReceived", result.Output);
        Assert.Contains("at Proxe.Workers.Interactions.WebInteractionConsumer.Consume()", result.Output);

        var remaining = await DrainAsync(ErrorQueue);
        Assert.Equal(ids, remaining.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Masks_phones_emails_names_and_message_text_in_the_body()
    {
        await DeclareAsync(ErrorQueue);
        await SeedFaultsAsync(ErrorQueue, 1);

        var result = await RunAsync("show", ErrorQueue);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("9876543210", result.Output);
        Assert.DoesNotContain("98765 43210", result.Output);
        Assert.DoesNotContain(CustomerEmail, result.Output);
        Assert.DoesNotContain("Asha", result.Output);
        Assert.Contains("\"email\":\"a***@example.com\"", result.Output);
        Assert.Contains("\"phone\":\"+91******3210\"", result.Output);
        Assert.Contains("\"content\":\"[31 chars]\"", result.Output);
        Assert.Contains("\"bookingDate\":\"2025-03-04\"", result.Output);
    }

    [Fact]
    public async Task Asking_for_more_than_the_queue_holds_shows_what_is_there()
    {
        await DeclareAsync(ErrorQueue);
        var ids = await SeedFaultsAsync(ErrorQueue, 2);

        var result = await RunAsync("show", ErrorQueue, "--count", "50");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("showing 2 of 2 message(s)", result.Output);
        Assert.Equal(ids, (await DrainAsync(ErrorQueue)).Select(m => m.MessageId));
    }

    [Fact]
    public async Task An_unknown_queue_is_a_clear_error()
    {
        var result = await RunAsync("show", "nowhere_error");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Queue 'nowhere_error' does not exist in virtual host", result.Error);
    }
}
