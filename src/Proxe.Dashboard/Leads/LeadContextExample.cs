using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Proxe.Dashboard.Leads;

/// <summary>The documented example of /api/leads/{id}/context in the OpenAPI document (the README shows the same).</summary>
public sealed class LeadContextExample : IOpenApiDocumentTransformer
{
    public const string Json = """
        {
          "lead": {
            "id": "a0000000-0000-0000-0000-000000000001", "brand": "acme", "name": "John Doe", "email": "john@example.com",
            "phone": "919876543210", "first_touchpoint": "web", "last_touchpoint": "whatsapp",
            "first_interaction_at": "2025-01-01T10:00:00Z", "last_interaction_at": "2025-01-03T09:00:00Z"
          },
          "current_channel": "whatsapp",
          "journey": ["web", "whatsapp"],
          "unified_context": { "channels": ["web", "whatsapp"] },
          "channels": {
            "web": { "booking_status": "confirmed", "booking_date": "2025-01-10", "booking_time": "15:30:00",
                     "website_url": "https://acme.example/book", "conversation_summary": "Wants a demo",
                     "user_inputs_summary": null, "last_message_at": "2025-01-01T10:01:00+00:00" },
            "whatsapp": { "conversation_status": "open", "conversation_summary": null, "last_message_at": "2025-01-03T09:00:00+00:00",
                          "last_message_from": "agent", "last_status": "read", "last_status_at": "2025-01-03T09:01:00+00:00",
                          "overall_sentiment": null },
            "voice": null,
            "social": null
          },
          "messages": [
            { "channel": "web", "sender": "customer", "content": "Hi, I want to book a demo", "message_type": "text",
              "occurred_at": "2025-01-01T10:00:00Z", "truncated": false },
            { "channel": "whatsapp", "sender": "customer", "content": "Is my booking confirmed?", "message_type": "text",
              "occurred_at": "2025-01-03T08:59:00Z", "truncated": false },
            { "channel": "whatsapp", "sender": "agent", "content": "Yes, see you on the 10th", "message_type": "text",
              "occurred_at": "2025-01-03T09:00:00Z", "truncated": false }
          ],
          "budget": { "max_messages": 3, "max_chars": 4000, "used_chars": 73, "omitted_messages": true }
        }
        """;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (document.Paths is not null && document.Paths.TryGetValue("/api/leads/{id}/context", out var path)
            && path.Operations is { } operations && operations.TryGetValue(HttpMethod.Get, out var operation)
            && operation.Responses is { } responses && responses.TryGetValue("200", out var ok)
            && ok.Content is { } content && content.TryGetValue("application/json", out var media) && media is OpenApiMediaType json)
            json.Example = JsonNode.Parse(Json);
        return Task.CompletedTask;
    }
}
