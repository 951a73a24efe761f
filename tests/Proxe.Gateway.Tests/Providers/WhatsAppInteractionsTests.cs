using System.Text;
using System.Text.Json;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Providers;
using Proxe.Gateway.Providers.WhatsApp;

namespace Proxe.Gateway.Tests.Providers;

/// <summary>WhatsApp Cloud API payloads (the samples, and each message type in the documented format) → interactions.</summary>
public sealed class WhatsAppInteractionsTests
{
    private static WebhookBatch Map(byte[] body)
    {
        Assert.True(ProviderJson.TryDeserialize<WhatsAppWebhook>(body, out var webhook, out var error), error);
        return WhatsAppInteractions.Map(webhook!, ProviderTestData.Brands(), ProviderTestData.ReceivedAt);
    }

    private static WebhookBatch Map(string json) => Map(Encoding.UTF8.GetBytes(json));

    /// <summary>One inbound message from 919876543210 to acme's number 106540352242922, in the documented envelope.</summary>
    private static ChannelInteractionReceived Message(string messageFields, string contact = """{"profile":{"name":"Asha Rao"},"wa_id":"919876543210"}""")
    {
        var batch = Map($$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
            "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
            "contacts":[{{{contact}}}],
            "messages":[{"from":"919876543210","id":"wamid.TEST","timestamp":"1749416383",{{{messageFields}}}}]}}]}]}
            """);
        Assert.Empty(batch.Errors);
        return Assert.Single(batch.Interactions);
    }

    private static JsonElement Metadata(ChannelInteractionReceived interaction) => interaction.Message!.Metadata!.Value;

    [Fact]
    public void Sample_text_message_maps_customer_session_and_message()
    {
        var batch = Map(ProviderTestData.Sample("whatsapp_text_message.json"));

        Assert.Empty(batch.Errors);
        Assert.Equal(["acme"], batch.Brands.Keys);
        var interaction = Assert.Single(batch.Interactions);
        const string wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";
        Assert.Equal(InteractionIds.For("acme", Channels.WhatsApp, wamid), interaction.InteractionId);
        Assert.Equal(Channels.WhatsApp, interaction.Channel);
        Assert.Equal("acme", interaction.Brand);
        Assert.Equal(wamid, interaction.ExternalEventId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1749416383), interaction.OccurredAt);
        Assert.Equal(ProviderTestData.ReceivedAt, interaction.ReceivedAt);
        Assert.Equal("Sheena Nelson", interaction.Customer.Name);
        Assert.Equal("16505551234", interaction.Customer.Phone);
        Assert.Equal("16505551234", interaction.Customer.PhoneNormalized);
        Assert.Equal(Platforms.WhatsApp, interaction.Customer.Platform);
        Assert.Equal("16505551234", interaction.Customer.PlatformUserId);
        Assert.Null(interaction.Customer.BusinessScopedUserId);
        Assert.Equal("16505551234", interaction.SessionKey);
        Assert.Equal(Senders.Customer, interaction.Message!.Sender);
        Assert.Equal("Does it come in another color?", interaction.Message.Content);
        Assert.Equal("text", interaction.Message.Type);
        Assert.Equal("102290129340398", interaction.WhatsApp!.BusinessAccountId);
        Assert.Equal("106540352242922", interaction.WhatsApp.PhoneNumberId);
        Assert.Equal("16505551234", interaction.WhatsApp.ContactId);
        Assert.Null(interaction.WhatsApp.DeliveryStatus);
        Assert.Null(interaction.Web);
        Assert.Null(interaction.Voice);
        Assert.Null(interaction.Social);
    }

    [Fact]
    public void Sample_signed_raw_text_maps_to_its_brand()
    {
        var interaction = Assert.Single(Map(ProviderTestData.Sample("whatsapp_text_message_signed_raw.json")).Interactions);

        Assert.Equal("acme", interaction.Brand);
        Assert.Equal("wamid.HBgMOTcyNTQ0NDAxMjQzFQIAEhggM0RFQTNCMEEwRTY3QzUwODYzMDc4NjQ4QzM4ODAxM0YA", interaction.ExternalEventId);
        Assert.Equal("Hey there! I am using PyWa.", interaction.Message!.Content);
        Assert.Equal("PyWa Tests", interaction.Customer.Name);
        Assert.Equal("972544401243", interaction.Customer.PhoneNormalized);
        Assert.Equal("264937493375603", interaction.WhatsApp!.BusinessAccountId);
        Assert.Equal("277321005464405", interaction.WhatsApp.PhoneNumberId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1730231903), interaction.OccurredAt);
    }

    [Fact]
    public void Sample_image_message_keeps_media_fields_and_the_business_scoped_user_id()
    {
        var batch = Map(ProviderTestData.Sample("whatsapp_image_message.json"));

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal("globex", interaction.Brand);
        Assert.Equal("wamid.xyzxyz", interaction.ExternalEventId);
        Assert.Equal("image", interaction.Message!.Type);
        Assert.Null(interaction.Message.Content);
        var metadata = Metadata(interaction);
        Assert.Equal("65463453", metadata.GetProperty("media_id").GetString());
        Assert.Equal("image/jpeg", metadata.GetProperty("mime_type").GetString());
        Assert.Equal("4654+8g=", metadata.GetProperty("sha256").GetString());
        Assert.StartsWith("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=65463453", metadata.GetProperty("url").GetString());
        Assert.Equal("972987654321", interaction.Customer.Phone);
        Assert.Equal("972987654321", interaction.Customer.PhoneNormalized);
        Assert.Equal("972987654321", interaction.Customer.PlatformUserId);
        Assert.Equal("US.13491208655302741918", interaction.Customer.BusinessScopedUserId);
        Assert.Equal("Test Name", interaction.Customer.Name);
        Assert.Equal("972987654321", interaction.SessionKey);
        Assert.Equal("US.ENT.11815799212886844830", interaction.WhatsApp!.ChannelData!.Value.GetProperty("parent_user_id").GetString());
    }

    [Fact]
    public void Sample_delivered_status_is_a_receipt_without_a_customer_message()
    {
        var batch = Map(ProviderTestData.Sample("whatsapp_status_delivered.json"));

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal("globex", interaction.Brand);
        Assert.Null(interaction.Message);
        Assert.Equal("status:ABGGFlA5Fpa:delivered", interaction.ExternalEventId);
        Assert.Equal(InteractionIds.For("globex", Channels.WhatsApp, "status:ABGGFlA5Fpa:delivered"), interaction.InteractionId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1504902988), interaction.OccurredAt);
        Assert.Equal(new WhatsAppDeliveryStatus { MessageId = "ABGGFlA5Fpa", Status = "delivered" }, interaction.WhatsApp!.DeliveryStatus);
        Assert.Equal("16315551181", interaction.SessionKey);
        Assert.Equal("16315551181", interaction.WhatsApp.ContactId);
        Assert.Equal("16315551181", interaction.Customer.PhoneNormalized);
        Assert.Equal("US.13491208655302741918", interaction.Customer.BusinessScopedUserId);
        Assert.Equal("@testusername", interaction.Customer.Username);
        Assert.Equal("test user name", interaction.Customer.Name);
        Assert.Equal("marketing", interaction.WhatsApp.ChannelData!.Value.GetProperty("conversation").GetProperty("origin").GetProperty("type").GetString());
    }

    [Fact]
    public void Failed_status_carries_the_error_code_and_title()
    {
        var batch = Map("""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
            "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
            "statuses":[
              {"id":"wamid.OUT1","status":"sent","timestamp":"1749416390","recipient_id":"919876543210"},
              {"id":"wamid.OUT1","status":"read","timestamp":"1749416395","recipient_id":"919876543210"},
              {"id":"wamid.OUT2","status":"failed","timestamp":"1749416399","recipient_id":"919876543210",
               "errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message","error_data":{"details":"More than 24 hours have passed"}}]}]}}]}]}
            """);

        Assert.Equal(["status:wamid.OUT1:sent", "status:wamid.OUT1:read", "status:wamid.OUT2:failed"], batch.Interactions.Select(i => i.ExternalEventId));
        Assert.All(batch.Interactions, i => Assert.Null(i.Message));
        var failed = batch.Interactions[2].WhatsApp!.DeliveryStatus!;
        Assert.Equal("failed", failed.Status);
        Assert.Equal("131047", failed.ErrorCode);
        Assert.Equal("Re-engagement message", failed.ErrorTitle);
        Assert.Equal("More than 24 hours have passed",
            batch.Interactions[2].WhatsApp!.ChannelData!.Value.GetProperty("errors")[0].GetProperty("error_data").GetProperty("details").GetString());
    }

    [Fact]
    public void Status_keeps_pricing_conversation_and_the_callback_data_we_sent()
    {
        var batch = Map("""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
            "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
            "statuses":[{"id":"wamid.OUT3","status":"delivered","timestamp":"1749416390","recipient_id":"919876543210",
              "biz_opaque_callback_data":"lead-42/visit-reminder",
              "conversation":{"id":"CONV1","origin":{"type":"utility"}},
              "pricing":{"billable":true,"pricing_model":"PMP","category":"utility","type":"regular"}}]}}]}]}
            """);

        var channelData = Assert.Single(batch.Interactions).WhatsApp!.ChannelData!.Value;
        Assert.Equal("lead-42/visit-reminder", channelData.GetProperty("biz_opaque_callback_data").GetString());
        Assert.Equal("PMP", channelData.GetProperty("pricing").GetProperty("pricing_model").GetString());
        Assert.Equal("CONV1", channelData.GetProperty("conversation").GetProperty("id").GetString());
    }

    [Fact]
    public void Several_entries_changes_and_messages_each_become_one_interaction_for_their_own_brand()
    {
        var batch = Map("""
            {"object":"whatsapp_business_account","entry":[
              {"id":"WABA1","changes":[
                {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
                  "contacts":[{"profile":{"name":"A"},"wa_id":"919876543210"},{"profile":{"name":"B"},"wa_id":"919876543211"}],
                  "messages":[
                    {"from":"919876543210","id":"wamid.A1","timestamp":"1749416383","type":"text","text":{"body":"one"}},
                    {"from":"919876543211","id":"wamid.B1","timestamp":"1749416384","type":"text","text":{"body":"two"}}]}},
                {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"277321005464405"},
                  "contacts":[{"profile":{"name":"A"},"wa_id":"919876543210"}],
                  "messages":[{"from":"919876543210","id":"wamid.A2","timestamp":"1749416385","type":"text","text":{"body":"three"}}]}}]},
              {"id":"WABA2","changes":[
                {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1122334455667"},
                  "contacts":[{"profile":{"name":"C"},"wa_id":"14155550123"}],
                  "messages":[{"from":"14155550123","id":"wamid.C1","timestamp":"1749416386","type":"text","text":{"body":"four"}}]}},
                {"field":"message_template_status_update","value":{"event":"APPROVED"}}]}]}
            """);

        Assert.Empty(batch.Errors);
        Assert.Equal(1, batch.Ignored);
        Assert.Equal(["acme", "globex"], batch.Brands.Keys.Order());
        Assert.Equal(
            [("acme", "wamid.A1", "A", "one"), ("acme", "wamid.B1", "B", "two"), ("acme", "wamid.A2", "A", "three"), ("globex", "wamid.C1", "C", "four")],
            batch.Interactions.Select(i => (i.Brand, i.ExternalEventId, i.Customer.Name!, i.Message!.Content!)));
        Assert.Equal("WABA2", batch.Interactions[3].WhatsApp!.BusinessAccountId);
    }

    [Fact]
    public void Entries_of_an_unknown_phone_number_id_are_left_out_and_reported()
    {
        var batch = Map("""
            {"object":"whatsapp_business_account","entry":[{"id":"WABA9","changes":[
              {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"999999999"},
                "contacts":[{"wa_id":"919876543210"}],
                "messages":[{"from":"919876543210","id":"wamid.X","timestamp":"1749416383","type":"text","text":{"body":"hi"}}]}},
              {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
                "contacts":[{"wa_id":"919876543210"}],
                "messages":[{"from":"919876543210","id":"wamid.Y","timestamp":"1749416383","type":"text","text":{"body":"hi"}}]}}]}]}
            """);

        Assert.Equal(["999999999"], batch.UnknownAccounts);
        Assert.Equal(["acme"], batch.Brands.Keys);
        Assert.Equal("wamid.Y", Assert.Single(batch.Interactions).ExternalEventId);
    }

    [Fact]
    public void A_user_with_only_a_business_scoped_user_id_and_username_is_keyed_by_it()
    {
        var batch = Map("""
            {"object":"whatsapp_business_account","entry":[{"id":"WABA1","changes":[{"field":"messages","value":{
              "messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
              "contacts":[{"profile":{"name":"Asha","username":"@asha"},"user_id":"IN.1648738043044942"}],
              "messages":[{"from_user_id":"IN.1648738043044942","id":"wamid.U1","timestamp":"1749416383","type":"text","text":{"body":"hello"}}],
              "statuses":[{"id":"wamid.OUT","status":"read","timestamp":"1749416384","recipient_user_id":"IN.1648738043044942"}]}}]}]}
            """);

        Assert.Empty(batch.Errors);
        Assert.Equal(2, batch.Interactions.Count);
        Assert.All(batch.Interactions, interaction =>
        {
            Assert.Null(interaction.Customer.Phone);
            Assert.Null(interaction.Customer.PhoneNormalized);
            Assert.Equal("IN.1648738043044942", interaction.Customer.PlatformUserId);
            Assert.Equal("IN.1648738043044942", interaction.Customer.BusinessScopedUserId);
            Assert.Equal("@asha", interaction.Customer.Username);
            Assert.Equal("Asha", interaction.Customer.Name);
            Assert.Equal("IN.1648738043044942", interaction.SessionKey);
            Assert.Equal("IN.1648738043044942", interaction.WhatsApp!.ContactId);
        });
    }

    [Fact]
    public void A_national_brand_still_reads_wa_id_as_international()
    {
        // acme's default region is IN; a US wa_id must not be read as an Indian national number.
        var batch = Map("""
            {"object":"whatsapp_business_account","entry":[{"id":"WABA1","changes":[{"field":"messages","value":{
              "metadata":{"phone_number_id":"106540352242922"},"contacts":[{"wa_id":"14155550123"}],
              "messages":[{"from":"14155550123","id":"wamid.US","timestamp":"1749416383","type":"text","text":{"body":"hi"}}]}}]}]}
            """);
        var interaction = Assert.Single(batch.Interactions);

        Assert.Equal("14155550123", interaction.Customer.PhoneNormalized);
    }

    [Fact]
    public void Text_with_a_reply_context_and_an_ad_referral()
    {
        var interaction = Message("""
            "type":"text","text":{"body":"Is this still on offer?"},
            "context":{"from":"15550783881","id":"wamid.ORIGINAL"},
            "referral":{"source_url":"https://fb.me/ad","source_id":"ADID","source_type":"ad","headline":"3 BHK","ctwa_clid":"CLID"}
            """);

        Assert.Equal("Is this still on offer?", interaction.Message!.Content);
        var metadata = Metadata(interaction);
        Assert.Equal("wamid.ORIGINAL", metadata.GetProperty("context").GetProperty("id").GetString());
        Assert.Equal("15550783881", metadata.GetProperty("context").GetProperty("from").GetString());
        Assert.Equal("ADID", metadata.GetProperty("referral").GetProperty("source_id").GetString());
        Assert.Equal("CLID", metadata.GetProperty("referral").GetProperty("ctwa_clid").GetString());
    }

    [Theory]
    [InlineData("image", """{"caption":"the flat","mime_type":"image/jpeg","sha256":"SHA","id":"MEDIA1"}""", "the flat")]
    [InlineData("video", """{"caption":"walkthrough","mime_type":"video/mp4","sha256":"SHA","id":"MEDIA1"}""", "walkthrough")]
    [InlineData("document", """{"filename":"brochure.pdf","mime_type":"application/pdf","sha256":"SHA","id":"MEDIA1"}""", "brochure.pdf")]
    [InlineData("audio", """{"mime_type":"audio/ogg; codecs=opus","sha256":"SHA","id":"MEDIA1","voice":true}""", null)]
    [InlineData("sticker", """{"mime_type":"image/webp","sha256":"SHA","id":"MEDIA1","animated":false}""", null)]
    public void Media_messages_keep_id_mime_type_sha256_caption_and_filename(string type, string media, string? content)
    {
        var interaction = Message($$"""
            "type":"{{type}}","{{type}}":{{media}}
            """);

        Assert.Equal(type, interaction.Message!.Type);
        Assert.Equal(content, interaction.Message.Content);
        var metadata = Metadata(interaction);
        Assert.Equal("MEDIA1", metadata.GetProperty("media_id").GetString());
        Assert.Equal("SHA", metadata.GetProperty("sha256").GetString());
        Assert.False(string.IsNullOrEmpty(metadata.GetProperty("mime_type").GetString()));
        if (type == "document")
            Assert.Equal("brochure.pdf", metadata.GetProperty("filename").GetString());
        if (type == "audio")
            Assert.True(metadata.GetProperty("voice").GetBoolean());
        if (type is "image" or "video")
            Assert.Equal(content, metadata.GetProperty("caption").GetString());
    }

    [Fact]
    public void Location_message_keeps_coordinates_name_and_address()
    {
        var interaction = Message("""
            "type":"location","location":{"latitude":12.9716,"longitude":77.5946,"name":"Lakeview Site Office","address":"MG Road, Bengaluru","url":"https://example.com"}
            """);

        Assert.Equal("location", interaction.Message!.Type);
        Assert.Equal("Lakeview Site Office, MG Road, Bengaluru", interaction.Message.Content);
        Assert.Equal(12.9716, Metadata(interaction).GetProperty("latitude").GetDouble());
        Assert.Equal(77.5946, Metadata(interaction).GetProperty("longitude").GetDouble());
    }

    [Fact]
    public void Location_without_a_name_is_described_by_its_coordinates()
    {
        var interaction = Message("""
            "type":"location","location":{"latitude":12.5,"longitude":77.25}
            """);

        Assert.Equal("12.5, 77.25", interaction.Message!.Content);
    }

    [Fact]
    public void Contacts_message_lists_the_shared_names_and_keeps_the_cards()
    {
        var interaction = Message("""
            "type":"contacts","contacts":[
              {"name":{"formatted_name":"Ravi Kumar","first_name":"Ravi"},"phones":[{"phone":"+91 98450 00000","type":"CELL","wa_id":"919845000000"}]},
              {"name":{"formatted_name":"Meera Iyer"},"emails":[{"email":"meera@example.com","type":"WORK"}]}]
            """);

        Assert.Equal("contacts", interaction.Message!.Type);
        Assert.Equal("Ravi Kumar; Meera Iyer", interaction.Message.Content);
        Assert.Equal("919845000000", Metadata(interaction).GetProperty("contacts")[0].GetProperty("phones")[0].GetProperty("wa_id").GetString());
    }

    [Fact]
    public void Interactive_button_reply_maps_its_id_and_title()
    {
        var interaction = Message("""
            "type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"book-visit","title":"Book a visit"}},
            "context":{"from":"15550783881","id":"wamid.QUESTION"}
            """);

        Assert.Equal("interactive", interaction.Message!.Type);
        Assert.Equal("Book a visit", interaction.Message.Content);
        Assert.Equal("button_reply", Metadata(interaction).GetProperty("interactive_type").GetString());
        Assert.Equal("book-visit", Metadata(interaction).GetProperty("reply_id").GetString());
        Assert.Equal("wamid.QUESTION", Metadata(interaction).GetProperty("context").GetProperty("id").GetString());
    }

    [Fact]
    public void Interactive_list_reply_maps_its_id_title_and_description()
    {
        var interaction = Message("""
            "type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"3bhk","title":"3 BHK","description":"1,650 sq ft"}}
            """);

        Assert.Equal("3 BHK", interaction.Message!.Content);
        Assert.Equal("list_reply", Metadata(interaction).GetProperty("interactive_type").GetString());
        Assert.Equal("3bhk", Metadata(interaction).GetProperty("reply_id").GetString());
        Assert.Equal("1,650 sq ft", Metadata(interaction).GetProperty("description").GetString());
    }

    [Fact]
    public void Template_quick_reply_button_maps_its_text_and_payload()
    {
        var interaction = Message("""
            "type":"button","button":{"payload":"CONFIRM_VISIT","text":"Yes, confirm"},"context":{"from":"15550783881","id":"wamid.TEMPLATE"}
            """);

        Assert.Equal("button", interaction.Message!.Type);
        Assert.Equal("Yes, confirm", interaction.Message.Content);
        Assert.Equal("CONFIRM_VISIT", Metadata(interaction).GetProperty("payload").GetString());
    }

    [Fact]
    public void Reaction_keeps_the_emoji_and_the_message_reacted_to()
    {
        var interaction = Message("""
            "type":"reaction","reaction":{"message_id":"wamid.OURS","emoji":"\uD83D\uDC4D"}
            """);

        Assert.Equal("reaction", interaction.Message!.Type);
        Assert.Equal("👍", interaction.Message.Content);
        Assert.Equal("wamid.OURS", Metadata(interaction).GetProperty("reacted_message_id").GetString());
    }

    [Fact]
    public void Removed_reaction_has_no_content_and_says_removed()
    {
        var interaction = Message("""
            "type":"reaction","reaction":{"message_id":"wamid.OURS","emoji":""}
            """);

        Assert.Null(interaction.Message!.Content);
        Assert.True(Metadata(interaction).GetProperty("removed").GetBoolean());
    }

    [Theory]
    [InlineData("unsupported")]
    [InlineData("unknown")]
    public void Unsupported_message_keeps_the_errors_WhatsApp_sent(string type)
    {
        var interaction = Message($$$"""
            "type":"{{{type}}}","errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown","error_data":{"details":"Message type is currently not supported."}}]
            """);

        Assert.Equal(type, interaction.Message!.Type);
        Assert.Null(interaction.Message.Content);
        Assert.Equal(131051, Metadata(interaction).GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public void Order_from_the_catalog_is_its_text_with_the_items_kept()
    {
        // Meta's order messages reference; item_price is documented as a number and sent with decimals.
        var interaction = Message("""
            "type":"order","order":{"catalog_id":"194836987003835","text":"Love these!","product_items":[
              {"product_retailer_id":"di9ozbzfi4","quantity":2,"item_price":7.99,"currency":"USD"},
              {"product_retailer_id":"nqryix03ez","quantity":1,"item_price":25,"currency":"USD"}]}
            """);

        Assert.Equal("order", interaction.Message!.Type);
        Assert.Equal("Love these!", interaction.Message.Content);
        var order = Metadata(interaction).GetProperty("order");
        Assert.Equal("194836987003835", order.GetProperty("catalog_id").GetString());
        Assert.Equal(7.99m, order.GetProperty("product_items")[0].GetProperty("item_price").GetDecimal());
    }

    [Fact]
    public void A_type_PROXe_does_not_know_yet_is_kept_with_its_raw_type()
    {
        var interaction = Message("""
            "type":"request_welcome"
            """);

        Assert.Equal("request_welcome", interaction.Message!.Type);
        Assert.Null(interaction.Message.Content);
        Assert.Equal("request_welcome", Metadata(interaction).GetProperty("whatsapp_type").GetString());
    }

    [Fact]
    public void Unsupported_message_keeps_what_WhatsApp_could_not_deliver()
    {
        // Edits reach the Cloud API as "unsupported" with unsupported.type = "edit".
        var interaction = Message("""
            "type":"unsupported","unsupported":{"type":"edit"},
            "errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown","error_data":{"details":"Message type is currently not supported."}}]
            """);

        Assert.Equal("unsupported", interaction.Message!.Type);
        Assert.Equal("edit", Metadata(interaction).GetProperty("unsupported").GetProperty("type").GetString());
        Assert.Equal("Message type is currently not supported.", Metadata(interaction).GetProperty("errors")[0].GetProperty("error_data").GetProperty("details").GetString());
    }

    [Fact]
    public void Flow_reply_keeps_the_flow_name_and_its_response_json()
    {
        var interaction = Message("""
            "type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"name":"flow","body":"Sent",
              "response_json":"{\"flow_token\":\"FT-1\",\"visit_date\":\"2026-12-05\"}"}},
            "context":{"from":"15550783881","id":"wamid.FLOW"}
            """);

        Assert.Equal("interactive", interaction.Message!.Type);
        Assert.Equal("Sent", interaction.Message.Content);
        var metadata = Metadata(interaction);
        Assert.Equal("nfm_reply", metadata.GetProperty("interactive_type").GetString());
        Assert.Equal("flow", metadata.GetProperty("flow_name").GetString());
        Assert.Equal("""{"flow_token":"FT-1","visit_date":"2026-12-05"}""", metadata.GetProperty("response_json").GetString());
        Assert.Equal("wamid.FLOW", metadata.GetProperty("context").GetProperty("id").GetString());
    }

    [Fact]
    public void Forwarded_message_keeps_its_forwarding_flags()
    {
        var interaction = Message("""
            "type":"text","text":{"body":"Look at this offer"},"context":{"forwarded":true,"frequently_forwarded":true}
            """);

        var context = Metadata(interaction).GetProperty("context");
        Assert.True(context.GetProperty("forwarded").GetBoolean());
        Assert.True(context.GetProperty("frequently_forwarded").GetBoolean());
        Assert.False(context.TryGetProperty("id", out _));
    }

    [Fact]
    public void Identity_change_notice_and_identity_key_hash_are_kept()
    {
        var interaction = Message("""
            "type":"text","text":{"body":"new phone, same me"},
            "identity":{"acknowledged":true,"created_timestamp":"1749416000","hash":"Sjvjlx8G6Z0="}
            """,
            contact: """{"profile":{"name":"Asha Rao"},"wa_id":"919876543210","identity_key_hash":"DF2lS5v2W6x="}""");

        Assert.Equal("Sjvjlx8G6Z0=", Metadata(interaction).GetProperty("identity").GetProperty("hash").GetString());
        Assert.Equal("DF2lS5v2W6x=", interaction.WhatsApp!.ChannelData!.Value.GetProperty("identity_key_hash").GetString());
    }

    [Theory]
    [InlineData("""{"body":"User A changed from 919876543210 to 919876543211","wa_id":"919876543211","type":"user_changed_number"}""")]
    [InlineData("""{"body":"User A changed from 919876543210 to 919876543211","new_wa_id":"919876543211","type":"user_changed_number"}""")]
    [InlineData("""{"body":"User A changed from 919876543210 to 919876543211","new_wa_id":919876543211,"type":"user_changed_number"}""")]
    public void System_message_about_a_changed_number_is_from_the_system_and_names_the_new_number(string system)
    {
        // System messages come without contacts[]; the current format names the new number wa_id, older ones new_wa_id.
        var batch = Map($$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"WABA1","changes":[{"field":"messages","value":{
              "messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
              "messages":[{"from":"919876543210","id":"wamid.SYS","timestamp":"1749416383","type":"system","system":{{{system}}}}]}}]}]}
            """);

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal(Senders.System, interaction.Message!.Sender);
        Assert.Equal("system", interaction.Message.Type);
        Assert.Equal("User A changed from 919876543210 to 919876543211", interaction.Message.Content);
        Assert.Equal("919876543210", interaction.Customer.PhoneNormalized);
        Assert.Equal("919876543210", interaction.SessionKey);
        Assert.Equal("user_changed_number", Metadata(interaction).GetProperty("system_type").GetString());
        Assert.Equal("919876543211", Metadata(interaction).GetProperty("new_wa_id").GetString());
    }

    [Fact]
    public void System_message_about_a_changed_user_id_names_the_old_and_new_ids()
    {
        var batch = Map("""
            {"object":"whatsapp_business_account","entry":[{"id":"WABA1","changes":[{"field":"messages","value":{
              "messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
              "messages":[{"from_user_id":"IN.200","id":"wamid.SYS2","timestamp":"1749416383","type":"system",
                "system":{"body":"User changed","type":"user_changed_user_id","user_id":"IN.200","previous_user_id":"IN.100"}}]}}]}]}
            """);

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal("IN.200", interaction.Customer.BusinessScopedUserId);
        Assert.Equal("user_changed_user_id", Metadata(interaction).GetProperty("system_type").GetString());
        Assert.Equal("IN.200", Metadata(interaction).GetProperty("new_user_id").GetString());
        Assert.Equal("IN.100", Metadata(interaction).GetProperty("previous_user_id").GetString());
    }

    [Fact]
    public void Webhook_level_errors_without_messages_are_reported_not_refused()
    {
        // Meta's "errors messages webhook": a system- or account-level problem, no messages and no contacts.
        var batch = Map("""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
              "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
              "errors":[{"code":130429,"title":"Rate limit hit","message":"(#130429) Rate limit hit",
                "error_data":{"details":"Cloud API message throughput has been reached."},"href":"/docs/whatsapp/cloud-api/support/error-codes/"}]}}]}]}
            """);

        Assert.Empty(batch.Errors);
        Assert.Empty(batch.Interactions);
        Assert.Equal(["acme"], batch.Brands.Keys);
        Assert.Equal(["entry[0].changes[0].value.errors[0]: 130429 Rate limit hit"], batch.ProviderErrors);
    }

    [Fact]
    public void Other_webhook_fields_are_ignored_whatever_their_value_holds()
    {
        var batch = Map("""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1749416383,"changes":[
              {"field":"account_update","value":{"phone_number":"15550783881","event":"ACCOUNT_VIOLATION",
                "violation_info":{"violation_type":"ADULT"},"ban_info":{"waba_ban_state":["SCHEDULE_FOR_DISABLE"],"waba_ban_date":"DATE"}}},
              {"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":594425479261596,
                "message_template_name":"visit_reminder","message_template_language":"en_US","reason":"NONE"}},
              {"field":"phone_number_quality_update","value":{"display_phone_number":"15550783881","event":"FLAGGED","current_limit":"TIER_10K"}},
              {"field":"user_preferences","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
                "contacts":[{"profile":{"name":"Asha"},"wa_id":"919876543210"}],
                "user_preferences":[{"wa_id":"919876543210","detail":"User requested to stop marketing messages","category":"marketing_messages","value":"stop","timestamp":1749416383}]}}]}]}
            """);

        Assert.Empty(batch.Errors);
        Assert.Empty(batch.Interactions);
        Assert.Equal(4, batch.Ignored);
    }

    [Theory]
    [InlineData("""{"from":"919876543210","timestamp":"1","type":"text","text":{"body":"x"}}""", "id is missing")]
    [InlineData("""{"id":"wamid.1","timestamp":"1","type":"text","text":{"body":"x"}}""", "sender")]
    public void A_message_without_id_or_sender_is_an_error_naming_where(string message, string expected)
    {
        var batch = Map($$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"WABA1","changes":[{"field":"messages","value":{
              "metadata":{"phone_number_id":"106540352242922"},"messages":[{{{message}}}]}}]}]}
            """);

        var error = Assert.Single(batch.Errors);
        Assert.StartsWith("entry[0].changes[0].value.messages[0]:", error);
        Assert.Contains(expected, error);
        Assert.Empty(batch.Interactions);
    }

    [Fact]
    public void Another_object_is_an_error()
    {
        var batch = Map("""{"object":"page","entry":[]}""");
        Assert.Equal(["object must be 'whatsapp_business_account'."], batch.Errors);
    }

    [Fact]
    public void A_missing_timestamp_falls_back_to_the_receive_time()
    {
        var interaction = Message("""
            "type":"text","text":{"body":"x"},"timestamp":null
            """);
        Assert.Equal(ProviderTestData.ReceivedAt, interaction.OccurredAt);
    }
}
