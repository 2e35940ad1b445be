namespace Alerting.Configuration;

/// <summary>What every integration config has.</summary>
public interface IIntegrationConfig
{
    bool SendResolved { get; }

    /// <summary>Line of the integration in the config file, for logs and errors.</summary>
    int Line { get; }
}

/// <summary>
/// <c>webhook_configs</c>. <see cref="HttpConfig"/> is the receiver's own or else the global one.
/// Text fields left unset in the file stay null: the notifier then uses its default template.
/// </summary>
public sealed record WebhookConfig : IIntegrationConfig
{
    public bool SendResolved { get; init; } = true;

    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    /// <summary>Alerts per message; 0 means no limit.</summary>
    public long MaxAlerts { get; init; }

    /// <summary>Our extension: request timeout; null leaves it to the notifier.</summary>
    public TimeSpan? Timeout { get; init; }

    public int Line { get; init; }
}

/// <summary><c>email_configs</c>, with smtp_* globals already filled in where the config left them out.</summary>
public sealed record EmailConfig : IIntegrationConfig
{
    public bool SendResolved { get; init; }

    public required string To { get; init; }

    public required string From { get; init; }

    public required string Hello { get; init; }

    /// <summary><c>host:port</c>.</summary>
    public required string Smarthost { get; init; }

    public string? AuthUsername { get; init; }

    public string? AuthPassword { get; init; }

    public string? AuthPasswordFile { get; init; }

    public string? AuthSecret { get; init; }

    public string? AuthIdentity { get; init; }

    public bool RequireTls { get; init; } = true;

    public TlsConfig? TlsConfig { get; init; }

    /// <summary>Header names in Go's canonical title case (<c>Subject</c>, <c>X-Priority</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string? Html { get; init; }

    public string? Text { get; init; }

    public int Line { get; init; }
}

/// <summary><c>slack_configs</c>; ApiUrl/ApiUrlFile fall back to the globals.</summary>
public sealed record SlackConfig : IIntegrationConfig
{
    public bool SendResolved { get; init; }

    public string? ApiUrl { get; init; }

    public string? ApiUrlFile { get; init; }

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? Channel { get; init; }

    public string? Username { get; init; }

    public string? Color { get; init; }

    public string? Title { get; init; }

    public string? TitleLink { get; init; }

    public string? Pretext { get; init; }

    public string? Text { get; init; }

    public IReadOnlyList<SlackField> Fields { get; init; } = [];

    public bool ShortFields { get; init; }

    public string? Footer { get; init; }

    public string? Fallback { get; init; }

    public string? CallbackId { get; init; }

    public string? IconEmoji { get; init; }

    public string? IconUrl { get; init; }

    public string? ImageUrl { get; init; }

    public string? ThumbUrl { get; init; }

    public bool LinkNames { get; init; }

    public IReadOnlyList<string> MrkdwnIn { get; init; } = [];

    public IReadOnlyList<SlackAction> Actions { get; init; } = [];

    public int Line { get; init; }
}

/// <summary>A Slack attachment field; <see cref="Short"/> null means "use short_fields".</summary>
public sealed record SlackField(string Title, string Value, bool? Short);

public sealed record SlackAction
{
    public required string Type { get; init; }

    public required string Text { get; init; }

    public string? Url { get; init; }

    public string? Style { get; init; }

    public string? Name { get; init; }

    public string? Value { get; init; }

    public SlackConfirmation? Confirm { get; init; }
}

public sealed record SlackConfirmation(string Text, string? Title, string? OkText, string? DismissText);

public enum DingTalkMessageType
{
    Markdown,
    ActionCard,
}

/// <summary>Our extension <c>dingtalk_configs</c>: a DingTalk custom robot.</summary>
public sealed record DingTalkConfig : IIntegrationConfig
{
    public bool SendResolved { get; init; } = true;

    /// <summary>The robot's webhook URL (with its access_token).</summary>
    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    /// <summary>The robot's signing secret ("加签"), if the robot uses one.</summary>
    public string? Secret { get; init; }

    public DingTalkMessageType MessageType { get; init; } = DingTalkMessageType.Markdown;

    /// <summary>The robot's security keyword; messages must contain it or DingTalk rejects them.</summary>
    public string? Keyword { get; init; }

    public IReadOnlyList<string> AtMobiles { get; init; } = [];

    public IReadOnlyList<string> AtUserIds { get; init; } = [];

    public bool IsAtAll { get; init; }

    public string? Title { get; init; }

    public string? Text { get; init; }

    /// <summary>Overrides global.language for this robot.</summary>
    public string? Language { get; init; }

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public int Line { get; init; }
}
