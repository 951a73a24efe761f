using System.Text;
using System.Text.Json;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Providers;
using Proxe.Gateway.Providers.Meta;

namespace Proxe.Gateway.Tests.Providers;

/// <summary>Messenger and Instagram payloads (the samples, and each documented event) → social interactions.</summary>
public sealed class MetaInteractionsTests
{
    private const string IgAccount = "17841400538867190";
    private const string PageId = "111899832631525";

    private static WebhookBatch Map(byte[] body)
    {
        Assert.True(ProviderJson.TryDeserialize<MetaWebhook>(body, out var webhook, out var error), error);
        return MetaInteractions.Map(webhook!, ProviderTestData.Brands(), ProviderTestData.ReceivedAt);
    }

    private static WebhookBatch Map(string json) => Map(Encoding.UTF8.GetBytes(json));

    /// <summary>One Instagram messaging event from user 1129842642640637 to acme's account.</summary>
    private static WebhookBatch Instagram(string messaging) => Map($$$"""
        {"object":"instagram","entry":[{"time":1762031165141,"id":"{{{IgAccount}}}","messaging":[
          {"sender":{"id":"1129842642640637"},"recipient":{"id":"{{{IgAccount}}}"},"timestamp":1762031146380,{{{messaging}}}}]}]}
        """);

    private static JsonElement Metadata(ChannelInteractionReceived interaction) => interaction.Message!.Metadata!.Value;

    [Fact]
    public void Sample_instagram_dm_maps_to_a_social_interaction_with_millisecond_time()
    {
        var batch = Map(ProviderTestData.Sample("instagram_dm.json"));

        Assert.Empty(batch.Errors);
        var interaction = Assert.Single(batch.Interactions);
        const string mid = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwNTM4ODY3MTkwOjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1ODU5OTE3NTI2OTQwODg3NjozMjUwMzczNzYwNzE3OTkwMDgyNTYzNjIwMjQ5NzQ0MTc5MgZDZD";
        Assert.Equal("acme", interaction.Brand);
        Assert.Equal(Channels.Social, interaction.Channel);
        Assert.Equal(mid, interaction.ExternalEventId);
        Assert.Equal(InteractionIds.For("acme", Channels.Social, mid), interaction.InteractionId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1762031146380), interaction.OccurredAt);
        Assert.Equal(Platforms.Instagram, interaction.Customer.Platform);
        Assert.Equal("1129842642640637", interaction.Customer.PlatformUserId);
        Assert.Equal("instagram:1129842642640637", interaction.SessionKey);
        Assert.Equal(new InteractionMessage { Sender = Senders.Customer, Content = "oi", Type = "text" }, interaction.Message);
        Assert.Equal(Platforms.Instagram, interaction.Social!.Platform);
        Assert.Equal("1129842642640637", interaction.Social.PlatformUserId);
        Assert.Equal("dm", interaction.Social.EngagementType);
        Assert.Equal("oi", interaction.Social.EngagementPreview);
    }

    [Fact]
    public void Messenger_text_from_the_signature_vector_maps_to_messenger()
    {
        var batch = Map("""{"object":"page","entry":[{"id":"111899832631525","time":1480279487271,"messaging":[{"sender":{"id":"1433960459967306"},"recipient":{"id":"111899832631525"},"timestamp":1480279487147,"message":{"mid":"mid.1480279487147:4388d3b344","seq":36,"text":"Hi"}}]}]}""");

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal("acme", interaction.Brand);
        Assert.Equal(Platforms.Messenger, interaction.Customer.Platform);
        Assert.Equal("messenger:1433960459967306", interaction.SessionKey);
        Assert.Equal("mid.1480279487147:4388d3b344", interaction.ExternalEventId);
        Assert.Equal("Hi", interaction.Message!.Content);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1480279487147), interaction.OccurredAt);
    }

    [Fact]
    public void Echo_of_the_brands_own_message_is_ignored()
    {
        var batch = Map($$$"""
            {"object":"instagram","entry":[{"time":1762031165141,"id":"{{{IgAccount}}}","messaging":[
              {"sender":{"id":"{{{IgAccount}}}"},"recipient":{"id":"1129842642640637"},"timestamp":1762031146380,
               "message":{"mid":"m_echo","text":"Thanks!","is_echo":true}}]}]}
            """);

        Assert.Empty(batch.Interactions);
        Assert.Empty(batch.Errors);
        Assert.Equal(1, batch.Ignored);
        Assert.Equal(["acme"], batch.Brands.Keys);
    }

    [Theory]
    [InlineData("image")]
    [InlineData("video")]
    [InlineData("audio")]
    [InlineData("file")]
    [InlineData("ig_reel")]
    [InlineData("reel")]
    public void Attachments_keep_their_type_and_url(string type)
    {
        var interaction = Assert.Single(Instagram($$$"""
            "message":{"mid":"m_att","attachments":[{"type":"{{{type}}}","payload":{"url":"https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1"}}]}
            """).Interactions);

        Assert.Equal(type, interaction.Message!.Type);
        Assert.Null(interaction.Message.Content);
        Assert.Equal("https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1", Metadata(interaction).GetProperty("attachments")[0].GetProperty("payload").GetProperty("url").GetString());
        Assert.Equal("dm", interaction.Social!.EngagementType);
        Assert.Equal($"[{type}]", interaction.Social.EngagementPreview);
    }

    [Fact]
    public void Shared_post_is_a_share_attachment()
    {
        var interaction = Assert.Single(Instagram("""
            "message":{"mid":"m_share","attachments":[{"type":"share","payload":{"url":"https://www.instagram.com/p/abc/"}}]}
            """).Interactions);

        Assert.Equal("share", interaction.Message!.Type);
    }

    [Fact]
    public void Story_mention_is_an_engagement_of_its_own()
    {
        var interaction = Assert.Single(Instagram("""
            "message":{"mid":"m_mention","attachments":[{"type":"story_mention","payload":{"url":"https://lookaside.fbsbx.com/story"}}]}
            """).Interactions);

        Assert.Equal("story_mention", interaction.Message!.Type);
        Assert.Equal("story_mention", interaction.Social!.EngagementType);
    }

    [Fact]
    public void Reply_to_a_story_keeps_the_story_id_as_content_id()
    {
        var interaction = Assert.Single(Instagram("""
            "message":{"mid":"m_story","text":"Love this view!","reply_to":{"story":{"url":"https://lookaside.fbsbx.com/story/1","id":"17890455"}}}
            """).Interactions);

        Assert.Equal("story_reply", interaction.Message!.Type);
        Assert.Equal("Love this view!", interaction.Message.Content);
        Assert.Equal("story_reply", interaction.Social!.EngagementType);
        Assert.Equal("17890455", interaction.Social.ContentId);
        Assert.Equal("17890455", Metadata(interaction).GetProperty("story").GetProperty("id").GetString());
    }

    [Fact]
    public void Reply_to_a_message_keeps_the_mid_replied_to()
    {
        var interaction = Assert.Single(Instagram("""
            "message":{"mid":"m_reply","text":"yes","reply_to":{"mid":"m_earlier"}}
            """).Interactions);

        Assert.Equal("text", interaction.Message!.Type);
        Assert.Equal("m_earlier", Metadata(interaction).GetProperty("reply_to_mid").GetString());
    }

    [Fact]
    public void Quick_reply_keeps_its_payload()
    {
        var interaction = Assert.Single(Instagram("""
            "message":{"mid":"m_qr","text":"Saturday","quick_reply":{"payload":"VISIT_SAT"}}
            """).Interactions);

        Assert.Equal("quick_reply", interaction.Message!.Type);
        Assert.Equal("Saturday", interaction.Message.Content);
        Assert.Equal("VISIT_SAT", Metadata(interaction).GetProperty("quick_reply_payload").GetString());
    }

    [Fact]
    public void Unsupported_and_deleted_messages()
    {
        var unsupported = Assert.Single(Instagram("""
            "message":{"mid":"m_uns","is_unsupported":true}
            """).Interactions);
        Assert.Equal("unsupported", unsupported.Message!.Type);

        var deleted = Instagram("""
            "message":{"mid":"m_del","is_deleted":true}
            """);
        Assert.Empty(deleted.Interactions);
        Assert.Equal(1, deleted.Ignored);
    }

    [Fact]
    public void Postback_is_the_title_of_the_button_with_its_payload()
    {
        var interaction = Assert.Single(Instagram("""
            "postback":{"mid":"m_pb","title":"Talk to sales","payload":"SALES"}
            """).Interactions);

        Assert.Equal("postback", interaction.Message!.Type);
        Assert.Equal("Talk to sales", interaction.Message.Content);
        Assert.Equal("SALES", Metadata(interaction).GetProperty("payload").GetString());
        Assert.Equal("m_pb", interaction.ExternalEventId);
    }

    [Fact]
    public void Messenger_postback_without_a_mid_is_keyed_by_sender_and_time_and_keeps_its_referral()
    {
        var batch = Map($$$"""
            {"object":"page","entry":[{"id":"{{{PageId}}}","time":1762031200000,"messaging":[
              {"sender":{"id":"5550001"},"recipient":{"id":"{{{PageId}}}"},"timestamp":1762031190000,
               "postback":{"title":"Get Started","payload":"GET_STARTED","referral":{"ref":"summer-offer","source":"SHORTLINK","type":"OPEN_THREAD"} }}]}]}
            """);

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal("postback:5550001:1762031190000", interaction.ExternalEventId);
        Assert.Equal("Get Started", interaction.Message!.Content);
        Assert.Equal("GET_STARTED", Metadata(interaction).GetProperty("payload").GetString());
        Assert.Equal("summer-offer", Metadata(interaction).GetProperty("referral").GetProperty("ref").GetString());
    }

    [Fact]
    public void Reaction_gets_an_event_id_of_its_own()
    {
        var interaction = Assert.Single(Instagram("""
            "reaction":{"mid":"m_ours","action":"react","reaction":"love","emoji":"\u2764\uFE0F"}
            """).Interactions);

        Assert.Equal("reaction", interaction.Message!.Type);
        Assert.Equal("reaction:m_ours:1129842642640637:react:1762031146380", interaction.ExternalEventId);
        Assert.Equal("❤️", interaction.Message.Content);
        Assert.Equal("m_ours", interaction.Social!.ContentId);
    }

    [Fact]
    public void Read_receipts_are_ignored()
    {
        var batch = Instagram("""
            "read":{"mid":"m_ours"}
            """);

        Assert.Empty(batch.Interactions);
        Assert.Equal(1, batch.Ignored);
    }

    [Fact]
    public void Instagram_comment_is_an_engagement_on_the_media()
    {
        var longText = new string('x', 300);
        var batch = Map($$$"""
            {"object":"instagram","entry":[{"id":"{{{IgAccount}}}","time":1762031200,"changes":[{"field":"comments","value":{
              "from":{"id":"1129842642640637","username":"asha.rao"},"media":{"id":"17918195224117851","media_product_type":"FEED"},
              "id":"17865799348089039","text":"{{{longText}}}"}}]}]}
            """);

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal("17865799348089039", interaction.ExternalEventId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1762031200), interaction.OccurredAt);
        Assert.Equal("asha.rao", interaction.Customer.Username);
        Assert.Equal("instagram:1129842642640637", interaction.SessionKey);
        Assert.Equal("comment", interaction.Message!.Type);
        Assert.Equal(longText, interaction.Message.Content);
        Assert.Equal("comment", interaction.Social!.EngagementType);
        Assert.Equal("17918195224117851", interaction.Social.ContentId);
        Assert.Equal("asha.rao", interaction.Social.PlatformUsername);
        Assert.Equal(MetaInteractions.PreviewLength, interaction.Social.EngagementPreview!.Length);
        Assert.EndsWith("…", interaction.Social.EngagementPreview);
    }

    [Fact]
    public void The_brands_own_comment_reply_is_ignored()
    {
        var batch = Map($$$"""
            {"object":"instagram","entry":[{"id":"{{{IgAccount}}}","time":1762031200,"changes":[{"field":"comments","value":{
              "from":{"id":"{{{IgAccount}}}","username":"acme"},"media":{"id":"1"},"id":"2","parent_id":"3","text":"Thanks!"}}]}]}
            """);

        Assert.Empty(batch.Interactions);
        Assert.Equal(1, batch.Ignored);
    }

    [Fact]
    public void Page_feed_comment_is_a_messenger_engagement_on_the_post()
    {
        var batch = Map($$$"""
            {"object":"page","entry":[{"id":"{{{PageId}}}","time":1762031200,"changes":[{"field":"feed","value":{
              "from":{"id":"5550001","name":"Ravi Kumar"},"item":"comment","verb":"add","comment_id":"POST_1_C9","post_id":"POST_1",
              "message":"Price?","created_time":1762031190}}]}]}
            """);

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal(Platforms.Messenger, interaction.Customer.Platform);
        Assert.Equal("Ravi Kumar", interaction.Customer.Name);
        Assert.Equal("POST_1_C9", interaction.ExternalEventId);
        Assert.Equal("POST_1", interaction.Social!.ContentId);
        Assert.Equal("Price?", interaction.Message!.Content);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1762031190), interaction.OccurredAt);
    }

    [Fact]
    public void Other_feed_changes_are_ignored()
    {
        var batch = Map($$$"""
            {"object":"page","entry":[{"id":"{{{PageId}}}","time":1762031200,"changes":[{"field":"feed","value":{
              "from":{"id":"5550001"},"item":"reaction","verb":"add","post_id":"POST_1","reaction_type":"like"}}]}]}
            """);

        Assert.Empty(batch.Interactions);
        Assert.Equal(1, batch.Ignored);
    }

    [Fact]
    public void Feed_reactions_removals_edits_and_posts_are_ignored_whatever_their_shape()
    {
        var batch = Map($$$"""
            {"object":"page","entry":[{"id":"{{{PageId}}}","time":1762031200,"changes":[
              {"field":"feed","value":{"from":{"id":"5550001","name":"Ravi"},"item":"reaction","verb":"remove","post_id":"POST_1","parent_id":"POST_1","reaction_type":"love","created_time":1762031190}},
              {"field":"feed","value":{"from":{"id":"5550001","name":"Ravi"},"item":"comment","verb":"remove","comment_id":"POST_1_C9","post_id":"POST_1","parent_id":"POST_1","created_time":1762031191}},
              {"field":"feed","value":{"from":{"id":"5550001","name":"Ravi"},"item":"comment","verb":"edited","comment_id":"POST_1_C9","post_id":"POST_1","message":"Price now?","created_time":1762031192}},
              {"field":"feed","value":{"from":{"id":"{{{PageId}}}","name":"Acme"},"item":"status","verb":"add","post_id":"POST_2","message":"New launch","published":1,"created_time":1762031193,"is_hidden":false}},
              {"field":"feed","value":{"item":"like","verb":"add","user_id":5550001}},
              {"field":"ratings","value":{"item":"rating","verb":"add","rating":5,"review_text":"Great","reviewer_id":5550001,"open_graph_story_id":12345}}]}]}
            """);

        Assert.Empty(batch.Errors);
        Assert.Empty(batch.Interactions);
        Assert.Equal(6, batch.Ignored);
    }

    [Fact]
    public void Instagram_messaging_fields_delivered_as_changes_are_ignored_not_refused()
    {
        // The shape Meta's dashboard "Test" button and the Instagram webhooks reference use for the messages and
        // messaging_handover fields: a messaging event inside changes[].value, where message is an object.
        var batch = Map($$$"""
            {"object":"instagram","entry":[{"id":"{{{IgAccount}}}","time":1762031200,"changes":[
              {"field":"messages","value":{"sender":{"id":"12334"},"recipient":{"id":"23245"},"timestamp":"1527459824","message":{"mid":"random_mid","text":"random_text"} }},
              {"field":"messaging_handover","value":{"sender":{"id":"12334"},"recipient":{"id":"23245"},"timestamp":1527459824,"pass_thread_control":{"previous_owner_app_id":1,"new_owner_app_id":2,"metadata":"x"} }},
              {"field":"mentions","value":{"comment_id":"17887498072083520","media_id":"17887498072083520"}},
              {"field":"story_insights","value":{"media_id":"17887498072083520","exits":3,"replies":0,"reach":44,"taps_forward":4,"taps_back":3,"impressions":444}}]}]}
            """);

        Assert.Empty(batch.Errors);
        Assert.Empty(batch.Interactions);
        Assert.Equal(4, batch.Ignored);
    }

    [Fact]
    public void A_comment_that_breaks_the_documented_shape_is_an_error_naming_where()
    {
        var batch = Map($$$"""
            {"object":"instagram","entry":[{"id":"{{{IgAccount}}}","time":1762031200,"changes":[{"field":"comments","value":{
              "from":"1129842642640637","id":"17865799348089039","text":"hi"}}]}]}
            """);

        Assert.Empty(batch.Interactions);
        Assert.StartsWith("entry[0].changes[0]: the comment does not have the documented shape", Assert.Single(batch.Errors));
    }

    [Fact]
    public void Instagram_reply_to_a_comment_keeps_the_parent_comment()
    {
        var batch = Map($$$"""
            {"object":"instagram","entry":[{"id":"{{{IgAccount}}}","time":1762031200,"changes":[{"field":"comments","value":{
              "from":{"id":"1129842642640637","username":"asha.rao"},"media":{"id":"17918195224117851","media_product_type":"REELS"},
              "id":"17865799348089040","parent_id":"17865799348089039","text":"@acme still available?"}}]}]}
            """);

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal("17865799348089039", Metadata(interaction).GetProperty("parent_id").GetString());
        Assert.Equal("REELS", Metadata(interaction).GetProperty("media_product_type").GetString());
        Assert.Equal("17918195224117851", interaction.Social!.ContentId);
    }

    [Fact]
    public void Standby_messages_are_recorded_while_another_app_owns_the_thread()
    {
        var batch = Map($$$"""
            {"object":"page","entry":[{"id":"{{{PageId}}}","time":1762031200000,"standby":[
              {"sender":{"id":"5550001"},"recipient":{"id":"{{{PageId}}}"},"timestamp":1762031190000,"message":{"mid":"m_standby","text":"Is the 3 BHK available?"}},
              {"sender":{"id":"{{{PageId}}}"},"recipient":{"id":"5550001"},"timestamp":1762031191000,"message":{"mid":"m_agent","text":"Yes!","is_echo":true,"app_id":263902037430900}},
              {"sender":{"id":"5550001"},"recipient":{"id":"{{{PageId}}}"},"timestamp":1762031192000,"read":{"watermark":1762031191000}}]}]}
            """);

        Assert.Empty(batch.Errors);
        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal("m_standby", interaction.ExternalEventId);
        Assert.Equal("messenger:5550001", interaction.SessionKey);
        Assert.Equal("Is the 3 BHK available?", interaction.Message!.Content);
        Assert.Equal(2, batch.Ignored);
    }

    [Fact]
    public void Handover_and_optin_events_are_ignored()
    {
        var batch = Map($$$"""
            {"object":"page","entry":[{"id":"{{{PageId}}}","time":1762031200000,"messaging":[
              {"sender":{"id":"5550001"},"recipient":{"id":"{{{PageId}}}"},"timestamp":1762031190000,"pass_thread_control":{"new_owner_app_id":"123","metadata":"to inbox"}},
              {"recipient":{"id":"{{{PageId}}}"},"timestamp":1762031190001,"optin":{"ref":"checkbox","user_ref":"UR-1"}},
              {"sender":{"id":"5550001"},"recipient":{"id":"{{{PageId}}}"},"timestamp":1762031190002,"delivery":{"mids":["m_1"],"watermark":1762031190000}}]}]}
            """);

        Assert.Empty(batch.Errors);
        Assert.Empty(batch.Interactions);
        Assert.Equal(3, batch.Ignored);
    }

    [Fact]
    public void Edited_message_is_recorded_beside_the_original()
    {
        var batch = Map($$$"""
            {"object":"page","entry":[{"id":"{{{PageId}}}","time":1762031200000,"messaging":[
              {"sender":{"id":"5550001"},"recipient":{"id":"{{{PageId}}}"},"timestamp":1762031195000,
               "message_edit":{"mid":"m_original","text":"Visit on Sunday instead","num_edit":1}}]}]}
            """);

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal("edit:m_original:1", interaction.ExternalEventId);
        Assert.Equal("message_edit", interaction.Message!.Type);
        Assert.Equal("Visit on Sunday instead", interaction.Message.Content);
        Assert.Equal("m_original", Metadata(interaction).GetProperty("edited_mid").GetString());
        Assert.Equal(1, Metadata(interaction).GetProperty("num_edit").GetInt32());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1762031195000), interaction.OccurredAt);
    }

    [Fact]
    public void Referral_into_an_existing_conversation_records_the_ad_that_brought_the_customer()
    {
        var batch = Map($$$"""
            {"object":"page","entry":[{"id":"{{{PageId}}}","time":1762031200000,"messaging":[
              {"sender":{"id":"5550001"},"recipient":{"id":"{{{PageId}}}"},"timestamp":1762031190000,
               "referral":{"ref":"lakeview-3bhk","ad_id":"6045246247433","source":"ADS","type":"OPEN_THREAD",
                 "ads_context_data":{"ad_title":"Lakeview 3 BHK","photo_url":"https://example.com/ad.jpg","post_id":"POST_7"} }}]}]}
            """);

        var interaction = Assert.Single(batch.Interactions);
        Assert.Equal("referral:5550001:1762031190000", interaction.ExternalEventId);
        Assert.Equal("referral", interaction.Message!.Type);
        Assert.Null(interaction.Message.Content);
        Assert.Equal("lakeview-3bhk", Metadata(interaction).GetProperty("referral").GetProperty("ref").GetString());
        Assert.Equal("referral", interaction.Social!.EngagementType);
        Assert.Equal("6045246247433", interaction.Social.ContentId);
        Assert.Equal("[referral: ADS]", interaction.Social.EngagementPreview);
    }

    [Fact]
    public void Removed_reaction_keeps_the_action_without_an_emoji()
    {
        var interaction = Assert.Single(Instagram("""
            "reaction":{"mid":"m_ours","action":"unreact"}
            """).Interactions);

        Assert.Equal("reaction:m_ours:1129842642640637:unreact:1762031146380", interaction.ExternalEventId);
        Assert.Null(interaction.Message!.Content);
        Assert.Equal("unreact", Metadata(interaction).GetProperty("action").GetString());
    }

    [Fact]
    public void Unknown_page_or_account_is_left_out_and_reported()
    {
        var batch = Map("""
            {"object":"instagram","entry":[{"time":1,"id":"999","messaging":[{"sender":{"id":"1"},"recipient":{"id":"999"},"timestamp":1762031146380,"message":{"mid":"m","text":"x"}}]}]}
            """);

        Assert.Equal(["999"], batch.UnknownAccounts);
        Assert.Empty(batch.Brands);
        Assert.Empty(batch.Interactions);
    }

    [Fact]
    public void A_page_id_is_not_looked_up_as_an_instagram_account()
    {
        var batch = Map($$$"""
            {"object":"instagram","entry":[{"time":1,"id":"{{{PageId}}}","messaging":[{"sender":{"id":"1"},"recipient":{"id":"x"},"timestamp":1762031146380,"message":{"mid":"m","text":"x"}}]}]}
            """);

        Assert.Equal([PageId], batch.UnknownAccounts);
    }

    [Theory]
    [InlineData("""{"sender":{"id":"1"},"timestamp":1762031146380,"message":{"text":"x"}}""", "mid")]
    [InlineData("""{"timestamp":1762031146380,"message":{"mid":"m","text":"x"}}""", "sender.id")]
    public void A_dm_without_mid_or_sender_is_an_error(string messaging, string expected)
    {
        var batch = Map($$$"""
            {"object":"instagram","entry":[{"time":1,"id":"{{{IgAccount}}}","messaging":[{{{messaging}}}]}]}
            """);

        Assert.Contains(expected, Assert.Single(batch.Errors));
        Assert.StartsWith("entry[0].messaging[0]:", batch.Errors[0]);
    }

    [Fact]
    public void Another_object_is_an_error()
    {
        var batch = Map("""{"object":"whatsapp_business_account","entry":[]}""");
        Assert.Equal(["object must be 'instagram' or 'page'."], batch.Errors);
    }
}
