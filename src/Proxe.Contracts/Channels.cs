namespace Proxe.Contracts;

/// <summary>The four touchpoints of the seed schema; the strings are stored as-is in the database.</summary>
public static class Channels
{
    public const string Web = "web";
    public const string WhatsApp = "whatsapp";
    public const string Voice = "voice";
    public const string Social = "social";

    public static readonly IReadOnlyList<string> All = [Web, WhatsApp, Voice, Social];

    public static bool IsKnown(string? channel) => channel is Web or WhatsApp or Voice or Social;
}

public static class Senders
{
    public const string Customer = "customer";
    public const string Agent = "agent";
    public const string System = "system";

    public static readonly IReadOnlyList<string> All = [Customer, Agent, System];

    public static bool IsKnown(string? sender) => sender is Customer or Agent or System;
}

/// <summary>Platforms a customer id belongs to; each is a lead_identities kind.</summary>
public static class Platforms
{
    public const string WhatsApp = "whatsapp";
    public const string Instagram = "instagram";
    public const string Messenger = "messenger";
    public const string WebVisitor = "web_visitor";

    public static readonly IReadOnlyList<string> All = [WhatsApp, Instagram, Messenger, WebVisitor];

    public static bool IsKnown(string? platform) => platform is WhatsApp or Instagram or Messenger or WebVisitor;

    /// <summary>The platforms of the social channel (DMs and comments).</summary>
    public static readonly IReadOnlyList<string> Social = [Instagram, Messenger];

    public static bool IsSocial(string? platform) => platform is not null && Social.Contains(platform);
}
