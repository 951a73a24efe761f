using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Proxe.Gateway.Interactions;

/// <summary>Request and response examples for POST /v1/interactions in the OpenAPI document.</summary>
internal static class InteractionExamples
{
    private const string Single = """
        {
          "channel": "whatsapp",
          "external_event_id": "wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0E",
          "occurred_at": "2025-01-15T10:30:00+05:30",
          "customer": { "name": "Asha Rao", "phone": "098765 43210" },
          "message": { "sender": "customer", "content": "Is the 3 BHK still available?", "type": "text" },
          "whatsapp": { "phone_number_id": "106540352242922", "contact_id": "919876543210" }
        }
        """;

    private const string Batch = """
        {
          "interactions": [
            {
              "channel": "web",
              "external_event_id": "chat-7f3a-msg-1",
              "occurred_at": "2025-01-15T10:00:00Z",
              "customer": { "name": "Asha Rao", "email": "asha@example.com", "phone": "+91 98765 43210" },
              "session_key": "web-session-7f3a",
              "message": { "sender": "customer", "content": "I'd like a site visit on Saturday." },
              "web": { "external_session_id": "web-session-7f3a", "website_url": "https://example.com/projects/lakeview", "booking_status": "pending" }
            },
            {
              "channel": "web",
              "external_event_id": "chat-7f3a-msg-2",
              "occurred_at": "2025-01-15T10:00:05Z",
              "customer": { "email": "asha@example.com" },
              "session_key": "web-session-7f3a",
              "message": { "sender": "agent", "content": "Booked: Saturday 11:00." },
              "web": { "external_session_id": "web-session-7f3a", "booking_status": "confirmed", "booking_date": "2025-01-18", "booking_time": "11:00:00" }
            }
          ]
        }
        """;

    private const string Accepted = """
        { "interaction_ids": ["34beb45a-78cf-53a0-b911-250700f215b8"] }
        """;

    public static void Apply(OpenApiOperation operation)
    {
        if (operation.RequestBody?.Content?.TryGetValue("application/json", out var request) == true)
        {
            request.Examples ??= new Dictionary<string, IOpenApiExample>();
            request.Examples["single"] = new OpenApiExample { Summary = "One WhatsApp message", Value = JsonNode.Parse(Single) };
            request.Examples["batch"] = new OpenApiExample { Summary = "A web chat exchange as a batch", Value = JsonNode.Parse(Batch) };
        }

        if (operation.Responses?.TryGetValue("202", out var response) == true
            && response.Content?.TryGetValue("application/json", out var accepted) == true)
        {
            accepted.Example = JsonNode.Parse(Accepted);
        }
    }
}
