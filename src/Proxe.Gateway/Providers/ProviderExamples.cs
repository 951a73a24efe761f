using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace Proxe.Gateway.Providers;

/// <summary>Request examples for the provider webhooks in the OpenAPI document: the providers' real formats.</summary>
internal static class ProviderExamples
{
    public const string WhatsAppText = """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
        "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
        "messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383",
        "type":"text","text":{"body":"Does it come in another color?"}}]},"field":"messages"}]}]}
        """;

    public const string WhatsAppStatus = """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
        "statuses":[{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI","status":"failed","timestamp":"1749416390","recipient_id":"16505551234",
        "errors":[{"code":131026,"title":"Message undeliverable"}]}]}}]}]}
        """;

    public const string InstagramDm = """
        {"object":"instagram","entry":[{"time":1762031165141,"id":"17841400538867190","messaging":[{"sender":{"id":"1129842642640637"},
        "recipient":{"id":"17841400538867190"},"timestamp":1762031146380,"message":{"mid":"aWdfZAG1faXRlbToxOklHTWVzc2FnZA","text":"oi"}}]}]}
        """;

    public const string InstagramComment = """
        {"object":"instagram","entry":[{"id":"17841400538867190","time":1762031200,"changes":[{"field":"comments","value":{
        "from":{"id":"1129842642640637","username":"asha.rao"},"media":{"id":"17918195224117851","media_product_type":"FEED"},
        "id":"17865799348089039","text":"Is this available in Bangalore?"}}]}]}
        """;

    public const string TwilioIncoming =
        "CallSid=CAd7fe2ad60939a04e564c0e4e3302ff5b&AccountSid=ACd4a88df477b07e1693a390518517e9f8&From=%2B256784224203&To=%2B13163336936" +
        "&Direction=inbound&CallStatus=ringing&ApiVersion=2010-04-01&FromCountry=UG&ToCountry=US";

    public const string TwilioCompleted =
        "CallSid=CAd7fe2ad60939a04e564c0e4e3302ff5b&AccountSid=ACd4a88df477b07e1693a390518517e9f8&From=%2B256784224203&To=%2B13163336936" +
        "&Direction=inbound&CallStatus=completed&CallDuration=9&SequenceNumber=0&Timestamp=Fri%2C%2002%20Nov%202018%2010%3A52%3A29%20%2B0000" +
        "&CallbackSource=call-progress-events";

    public const string WebChat = """
        {
          "brand": "acme",
          "visitor": { "id": "v-4f2c", "name": "Asha Rao", "email": "asha@example.com", "phone": "098765 43210" },
          "external_session_id": "web-session-7f3a",
          "chat_session_id": "chat-7f3a",
          "website_url": "https://example.com/projects/lakeview",
          "booking": { "status": "confirmed", "date": "2026-12-05", "time": "11:00", "google_event_id": "evt_5t0q" },
          "conversation_summary": "Wants a 3 BHK, site visit booked for Saturday.",
          "user_inputs_summary": "3 BHK; budget 1.2 Cr; Saturday morning",
          "messages": [
            { "id": "chat-7f3a-1", "sender": "customer", "content": "Can I visit on Saturday?", "sent_at": "2026-12-01T10:00:00Z" },
            { "id": "chat-7f3a-2", "sender": "agent", "content": "Booked: Saturday 11:00.", "sent_at": "2026-12-01T10:00:04Z" }
          ]
        }
        """;

    public const string WebBooking = """
        {
          "brand": "acme",
          "event_id": "booking-7f3a-cancelled",
          "visitor": { "id": "v-4f2c", "email": "asha@example.com" },
          "external_session_id": "web-session-7f3a",
          "booking": { "status": "cancelled", "date": "2026-12-05", "time": "11:00" }
        }
        """;

    public static RouteHandlerBuilder WithJsonExamples(this RouteHandlerBuilder endpoint, params (string Name, string Summary, string Json)[] examples) =>
        endpoint.WithExamples(WebhookRequest.Json, examples.Select(e => (e.Name, e.Summary, JsonNode.Parse(e.Json))));

    public static RouteHandlerBuilder WithFormExamples(this RouteHandlerBuilder endpoint, params (string Name, string Summary, string Form)[] examples) =>
        endpoint.WithExamples(WebhookRequest.Form, examples.Select(e => (e.Name, e.Summary, (JsonNode?)new JsonObject(
            QueryHelpers.ParseQuery(e.Form).Select(f => KeyValuePair.Create(f.Key, (JsonNode?)JsonValue.Create(f.Value.ToString())))))));

    private static RouteHandlerBuilder WithExamples(this RouteHandlerBuilder endpoint, string mediaType, IEnumerable<(string Name, string Summary, JsonNode? Value)> examples) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody?.Content?.TryGetValue(mediaType, out var content) == true)
            {
                content.Examples ??= new Dictionary<string, IOpenApiExample>();
                foreach (var (name, summary, value) in examples)
                    content.Examples[name] = new OpenApiExample { Summary = summary, Value = value };
            }
            return Task.CompletedTask;
        });
}
