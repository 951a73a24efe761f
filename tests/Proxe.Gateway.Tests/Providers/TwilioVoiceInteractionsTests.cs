using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Providers.Twilio;

namespace Proxe.Gateway.Tests.Providers;

/// <summary>Twilio Voice webhooks (the samples, and each documented callback) → voice interactions.</summary>
public sealed class TwilioVoiceInteractionsTests
{
    private const string CallSid = "CAd7fe2ad60939a04e564c0e4e3302ff5b";
    private static readonly BrandCatalog Brands = ProviderTestData.Brands();

    private static Dictionary<string, StringValues> Form(string body) => new FormReader(body).ReadForm();

    private static Dictionary<string, StringValues> Sample(string name) => Form(ProviderTestData.SampleText(name));

    private static ChannelInteractionReceived Callback(Dictionary<string, StringValues> form, string? brandParameter = null)
    {
        Assert.True(TwilioVoiceInteractions.TryRoute(form, brandParameter, Brands, out var brand, out var settings));
        var interaction = TwilioVoiceInteractions.Callback(form, brand, settings, ProviderTestData.ReceivedAt, out var error);
        Assert.Null(error);
        return interaction!;
    }

    [Fact]
    public void Sample_incoming_call_starts_the_voice_session_with_a_system_message()
    {
        var form = Sample("twilio_voice_incoming.form");
        Assert.True(TwilioVoiceInteractions.TryRoute(form, null, Brands, out var brand, out var settings));
        var interaction = TwilioVoiceInteractions.Incoming(form, brand, settings, ProviderTestData.ReceivedAt, out var error);

        Assert.Null(error);
        Assert.Equal("acme", interaction!.Brand);
        Assert.Equal(Channels.Voice, interaction.Channel);
        Assert.Equal($"{CallSid}:incoming", interaction.ExternalEventId);
        Assert.Equal(InteractionIds.For("acme", Channels.Voice, $"{CallSid}:incoming"), interaction.InteractionId);
        Assert.Equal(ProviderTestData.ReceivedAt, interaction.OccurredAt);
        Assert.Equal(CallSid, interaction.SessionKey);
        Assert.Equal("+256784224203", interaction.Customer.Phone);
        Assert.Equal("256784224203", interaction.Customer.PhoneNormalized);
        Assert.Equal(new InteractionMessage { Sender = Senders.System, Content = "call started", Type = "call_started" }, interaction.Message);
        Assert.Equal(CallSid, interaction.Voice!.CallSid);
        Assert.Equal("+13163336936", interaction.Voice.PhoneNumber);
        Assert.Equal("inbound", interaction.Voice.CallDirection);
        Assert.Equal("ringing", interaction.Voice.CallStatus);
        Assert.Null(interaction.Voice.CallDurationSeconds);
        Assert.Equal("UG", interaction.Voice.ChannelData!.Value.GetProperty("caller_country").GetString());
        Assert.Equal("ACd4a88df477b07e1693a390518517e9f8", interaction.Voice.ChannelData.Value.GetProperty("account_sid").GetString());
    }

    [Fact]
    public void Sample_completed_status_ends_the_call_with_duration_sequence_and_timestamp()
    {
        var interaction = Callback(Sample("twilio_voice_status_completed.form"));

        Assert.Equal("acme", interaction.Brand);
        Assert.Equal($"{CallSid}:status:0", interaction.ExternalEventId);
        Assert.Equal(new DateTimeOffset(2018, 11, 2, 10, 52, 29, TimeSpan.Zero), interaction.OccurredAt);
        Assert.Equal("completed", interaction.Voice!.CallStatus);
        Assert.Equal(9, interaction.Voice.CallDurationSeconds);
        Assert.Equal(0, interaction.Voice.SequenceNumber);
        Assert.Equal(Senders.System, interaction.Message!.Sender);
        Assert.Equal("call ended", interaction.Message.Content);
        Assert.Equal("call_ended", interaction.Message.Type);
        Assert.Equal("call-progress-events", interaction.Voice.ChannelData!.Value.GetProperty("callback_source").GetString());
    }

    [Theory]
    [InlineData("queued", null)]
    [InlineData("initiated", null)]
    [InlineData("ringing", null)]
    [InlineData("in-progress", null)]
    [InlineData("busy", "call ended: busy")]
    [InlineData("no-answer", "call ended: no-answer")]
    [InlineData("failed", "call ended: failed")]
    [InlineData("canceled", "call ended: canceled")]
    public void Progress_statuses_carry_no_message_and_end_statuses_say_how_the_call_ended(string status, string? message)
    {
        var interaction = Callback(Form($"CallSid=CA1&AccountSid=AC1&From=%2B919876543210&To=%2B13163336936&Direction=inbound&CallStatus={status}&SequenceNumber=2"));

        Assert.Equal("CA1:status:2", interaction.ExternalEventId);
        Assert.Equal(status, interaction.Voice!.CallStatus);
        Assert.Equal(message, interaction.Message?.Content);
    }

    [Fact]
    public void Status_callbacks_of_one_call_get_distinct_event_ids_by_sequence_number()
    {
        var ids = new[] { "initiated", "ringing", "in-progress", "completed" }
            .Select((status, i) => Callback(Form($"CallSid=CA1&From=%2B919876543210&To=%2B13163336936&Direction=inbound&CallStatus={status}&SequenceNumber={i}")).InteractionId)
            .ToList();

        Assert.Equal(4, ids.Distinct().Count());
    }

    [Fact]
    public void Status_without_a_sequence_number_is_keyed_by_status()
    {
        var interaction = Callback(Form("CallSid=CA1&From=%2B919876543210&To=%2B13163336936&CallStatus=completed&CallDuration=61"));

        Assert.Equal("CA1:status:completed", interaction.ExternalEventId);
        Assert.Equal(61, interaction.Voice!.CallDurationSeconds);
        Assert.Equal(ProviderTestData.ReceivedAt, interaction.OccurredAt);
    }

    [Fact]
    public void Outbound_call_customer_is_To_and_brand_is_From()
    {
        var form = Form("CallSid=CA2&From=%2B13163336936&To=09876543210&Direction=outbound-api&CallStatus=completed&CallDuration=30&SequenceNumber=3");
        var interaction = Callback(form);

        Assert.Equal("acme", interaction.Brand);
        Assert.Equal("09876543210", interaction.Customer.Phone);
        Assert.Equal("919876543210", interaction.Customer.PhoneNormalized);
        Assert.Equal("+13163336936", interaction.Voice!.PhoneNumber);
        Assert.Equal("outbound-api", interaction.Voice.CallDirection);
    }

    [Fact]
    public void Outbound_dial_leg_is_routed_by_From()
    {
        var form = Form("CallSid=CA3&ParentCallSid=CA1&From=%2B14155550100&To=%2B14155550199&Direction=outbound-dial&CallStatus=ringing");

        Assert.True(TwilioVoiceInteractions.TryRoute(form, null, Brands, out var brand, out _));
        Assert.Equal("globex", brand);
        var interaction = Callback(form);
        Assert.Equal("CA1", interaction.Voice!.CallSid);
        Assert.Equal("CA3", interaction.Voice.ChannelData!.Value.GetProperty("dial_call_sid").GetString());
    }

    [Theory]
    [InlineData("ringing", 1, null)]
    [InlineData("in-progress", 2, "dialed party answered")]
    [InlineData("no-answer", 3, "dialed party: no-answer")]
    [InlineData("completed", 4, "dialed party: completed")]
    public void Dial_leg_to_an_agent_belongs_to_the_customers_call_and_never_moves_its_status(string status, int sequence, string? message)
    {
        // <Dial><Number statusCallback=".../status?brand=acme">: the child leg keeps the caller's number as From
        // (Twilio's default caller id) and calls the agent at To; ParentCallSid is the customer's inbound call.
        var form = Form("AccountSid=AC1&CallSid=CA_CHILD&ParentCallSid=CA_PARENT&From=%2B919876543210&To=%2B919845000000" +
                        $"&Direction=outbound-dial&CallStatus={status}&SequenceNumber={sequence}&CallDuration=12&Duration=1");

        Assert.False(TwilioVoiceInteractions.TryRoute(form, null, Brands, out _, out _));
        var interaction = Callback(form, brandParameter: "acme");

        Assert.Equal($"CA_CHILD:status:{sequence}", interaction.ExternalEventId);
        Assert.Equal("CA_PARENT", interaction.SessionKey);
        Assert.Equal("CA_PARENT", interaction.Voice!.CallSid);
        Assert.Equal(new CustomerInfo(), interaction.Customer);
        Assert.Null(interaction.Voice.CallStatus);
        Assert.Null(interaction.Voice.SequenceNumber);
        Assert.Null(interaction.Voice.CallDurationSeconds);
        Assert.Null(interaction.Voice.CallDirection);
        Assert.Null(interaction.Voice.PhoneNumber);
        var channelData = interaction.Voice.ChannelData!.Value;
        Assert.Equal("CA_CHILD", channelData.GetProperty("dial_call_sid").GetString());
        Assert.Equal(status, channelData.GetProperty("dial_call_status").GetString());
        Assert.Equal("+919845000000", channelData.GetProperty("dialed_number").GetString());
        Assert.Equal(message, interaction.Message?.Content);
        if (message is not null)
        {
            Assert.Equal(Senders.System, interaction.Message!.Sender);
            Assert.Equal("dial_status", interaction.Message.Type);
        }
    }

    [Fact]
    public void Call_duration_is_CallDuration_in_seconds_not_the_billed_Duration_in_minutes()
    {
        var interaction = Callback(Form("CallSid=CA1&From=%2B919876543210&To=%2B13163336936&Direction=inbound&CallStatus=completed&SequenceNumber=3&CallDuration=61&Duration=2"));

        Assert.Equal(61, interaction.Voice!.CallDurationSeconds);
        Assert.Equal(61, interaction.Message!.Metadata!.Value.GetProperty("call_duration_seconds").GetInt32());
    }

    [Fact]
    public void Answering_machine_detection_result_is_kept()
    {
        var interaction = Callback(Form(
            "CallSid=CA2&From=%2B13163336936&To=%2B919876543210&Direction=outbound-api&CallStatus=in-progress&SequenceNumber=2&AnsweredBy=machine_end_beep"));

        Assert.Equal("919876543210", interaction.Customer.PhoneNormalized);
        Assert.Equal("machine_end_beep", interaction.Voice!.ChannelData!.Value.GetProperty("answered_by").GetString());
    }

    [Fact]
    public void Recording_callback_fills_the_recording_url_once_completed()
    {
        var interaction = Callback(
            Form("AccountSid=AC1&CallSid=CA1&RecordingSid=RE1&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FAC1%2FRecordings%2FRE1" +
                 "&RecordingStatus=completed&RecordingDuration=42&RecordingChannels=1&RecordingSource=RecordVerb"),
            brandParameter: "acme");

        Assert.Equal("acme", interaction.Brand);
        Assert.Equal("CA1:recording:RE1:completed", interaction.ExternalEventId);
        Assert.Equal("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", interaction.Voice!.RecordingUrl);
        Assert.Equal(42, interaction.Voice.ChannelData!.Value.GetProperty("recording_duration_seconds").GetInt32());
        Assert.Null(interaction.Message);
        Assert.Null(interaction.Voice.CallStatus);
    }

    [Fact]
    public void Recording_callback_keeps_channels_source_and_start_time()
    {
        var interaction = Callback(
            Form("AccountSid=AC1&CallSid=CA1&RecordingSid=RE1&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2FRE1&RecordingStatus=completed" +
                 "&RecordingDuration=42&RecordingChannels=2&RecordingSource=StartCallRecordingAPI&RecordingStartTime=Fri%2C+02+Nov+2018+10%3A52%3A29+%2B0000"),
            brandParameter: "acme");

        var channelData = interaction.Voice!.ChannelData!.Value;
        Assert.Equal(2, channelData.GetProperty("recording_channels").GetInt32());
        Assert.Equal("StartCallRecordingAPI", channelData.GetProperty("recording_source").GetString());
        Assert.Equal("Fri, 02 Nov 2018 10:52:29 +0000", channelData.GetProperty("recording_start_time").GetString());
        Assert.Equal("completed", channelData.GetProperty("recording_status").GetString());
    }

    [Theory]
    [InlineData("absent", null)]
    [InlineData("failed", "16107")]
    public void Recording_that_is_absent_or_failed_has_no_url_and_says_why(string status, string? errorCode)
    {
        var interaction = Callback(
            Form($"CallSid=CA1&RecordingSid=RE1&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2FRE1&RecordingStatus={status}&RecordingDuration=0" +
                 (errorCode is null ? "" : $"&ErrorCode={errorCode}")),
            "acme");

        Assert.Equal($"CA1:recording:RE1:{status}", interaction.ExternalEventId);
        Assert.Null(interaction.Voice!.RecordingUrl);
        Assert.Null(interaction.Message);
        var channelData = interaction.Voice.ChannelData!.Value;
        Assert.Equal(status, channelData.GetProperty("recording_status").GetString());
        Assert.Equal(errorCode, channelData.TryGetProperty("error_code", out var code) ? code.GetString() : null);
    }

    [Fact]
    public void Recording_in_progress_has_no_usable_url_yet()
    {
        var interaction = Callback(Form("CallSid=CA1&RecordingSid=RE1&RecordingUrl=https%3A%2F%2Fx&RecordingStatus=in-progress"), "acme");

        Assert.Equal("CA1:recording:RE1:in-progress", interaction.ExternalEventId);
        Assert.Null(interaction.Voice!.RecordingUrl);
    }

    [Fact]
    public void Transcription_callback_sets_the_transcription_and_appends_it_as_the_callers_message()
    {
        var interaction = Callback(Form(
            "AccountSid=AC1&CallSid=CA1&From=%2B919876543210&To=%2B13163336936&CallStatus=completed&TranscriptionSid=TR1" +
            "&TranscriptionText=I+would+like+a+site+visit+on+Saturday&TranscriptionStatus=completed&TranscriptionUrl=https%3A%2F%2Fx" +
            "&RecordingSid=RE1&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2FRE1"));

        Assert.Equal("CA1:transcription:TR1", interaction.ExternalEventId);
        Assert.Equal("I would like a site visit on Saturday", interaction.Voice!.Transcription);
        Assert.Equal(Senders.Customer, interaction.Message!.Sender);
        Assert.Equal("transcription", interaction.Message.Type);
        Assert.Equal("I would like a site visit on Saturday", interaction.Message.Content);
        Assert.Equal("RE1", interaction.Message.Metadata!.Value.GetProperty("recording_sid").GetString());
        Assert.Equal("https://api.twilio.com/RE1", interaction.Voice.RecordingUrl);
        Assert.Equal("https://x", interaction.Voice.ChannelData!.Value.GetProperty("transcription_url").GetString());
        Assert.Equal("completed", interaction.Voice.ChannelData.Value.GetProperty("transcription_status").GetString());
    }

    [Fact]
    public void Failed_transcription_adds_no_message()
    {
        var interaction = Callback(Form("CallSid=CA1&From=%2B919876543210&To=%2B13163336936&TranscriptionSid=TR1&TranscriptionStatus=failed&TranscriptionText="));

        Assert.Null(interaction.Voice!.Transcription);
        Assert.Null(interaction.Message);
    }

    [Fact]
    public void A_number_no_brand_owns_is_not_routed_even_with_a_known_caller()
    {
        var form = Form("CallSid=CA1&From=%2B13163336936&To=%2B15555550000&Direction=inbound&CallStatus=ringing");
        Assert.False(TwilioVoiceInteractions.TryRoute(form, null, Brands, out _, out _));
        Assert.False(TwilioVoiceInteractions.TryRoute(form, "no-such-brand", Brands, out _, out _));
    }

    [Fact]
    public void The_number_wins_over_the_brand_parameter()
    {
        var form = Form("CallSid=CA1&From=%2B919876543210&To=%2B13163336936&CallStatus=ringing");
        Assert.True(TwilioVoiceInteractions.TryRoute(form, "globex", Brands, out var brand, out _));
        Assert.Equal("acme", brand);
    }

    [Fact]
    public void Missing_CallSid_or_callback_kind_is_an_error()
    {
        var settings = new BrandSettings();
        Assert.Null(TwilioVoiceInteractions.Incoming(Form("From=%2B1&To=%2B2"), "acme", settings, ProviderTestData.ReceivedAt, out var error));
        Assert.Equal("CallSid is required.", error);
        Assert.Null(TwilioVoiceInteractions.Callback(Form("CallSid=CA1&To=%2B13163336936"), "acme", settings, ProviderTestData.ReceivedAt, out error));
        Assert.Contains("CallStatus", error);
    }

    [Fact]
    public void Anonymous_caller_keeps_the_raw_value_without_a_normalized_phone()
    {
        var interaction = Callback(Form("CallSid=CA1&From=anonymous&To=%2B13163336936&CallStatus=ringing&CallerName=Unknown"));

        Assert.Equal("anonymous", interaction.Customer.Phone);
        Assert.Null(interaction.Customer.PhoneNormalized);
        Assert.Equal("Unknown", interaction.Customer.Name);
    }

    [Theory]
    [InlineData("%2B266696687", "anonymous")]
    [InlineData("266696687", "anonymous")]
    [InlineData("%2B7378742833", "restricted")]
    [InlineData("%2B8656696", "unknown")]
    [InlineData("%2B86282452253", "unavailable")]
    [InlineData("%2B2562533", "blocked")]
    [InlineData("Restricted", "restricted")]
    [InlineData("ANONYMOUS", "anonymous")]
    public void Hidden_caller_ids_are_never_read_as_a_phone_number(string from, string caller)
    {
        // Read as digits, every hidden caller of the brand would share one phone identity and so one lead.
        var interaction = Callback(Form($"CallSid=CA1&From={from}&To=%2B13163336936&Direction=inbound&CallStatus=ringing"));

        Assert.Equal(caller, interaction.Customer.Phone);
        Assert.Null(interaction.Customer.PhoneNormalized);
        Assert.DoesNotContain(interaction.Customer.Phone!, char.IsAsciiDigit);
    }

    [Fact]
    public void An_empty_From_is_no_phone_at_all()
    {
        var interaction = Callback(Form("CallSid=CA1&From=&To=%2B13163336936&Direction=inbound&CallStatus=ringing"));

        Assert.Null(interaction.Customer.Phone);
        Assert.Null(interaction.Customer.PhoneNormalized);
        Assert.Equal("CA1", interaction.SessionKey);
    }

    [Theory]
    [InlineData("Fri, 02 Nov 2018 10:52:29 +0000", "2018-11-02T10:52:29+00:00")]
    [InlineData("Fri, 02 Nov 2018 16:22:29 +0530", "2018-11-02T10:52:29+00:00")]
    [InlineData("Fri, 02 Nov 2018 10:52:29 GMT", "2018-11-02T10:52:29+00:00")]
    public void Twilio_timestamps_are_read_as_RFC_1123(string value, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected), TwilioVoiceInteractions.Timestamp(value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    public void Unreadable_timestamps_are_null(string? value)
    {
        Assert.Null(TwilioVoiceInteractions.Timestamp(value));
    }
}
