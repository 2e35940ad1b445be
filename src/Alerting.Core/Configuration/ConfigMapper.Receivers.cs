using System.Text;

namespace Alerting.Configuration;

internal sealed partial class ConfigMapper
{
    /// <summary>Alertmanager integrations we do not implement: they load with a warning, never an error.</summary>
    internal static readonly string[] UnsupportedIntegrationKeys =
    [
        "pagerduty_configs", "opsgenie_configs", "wechat_configs", "pushover_configs", "victorops_configs",
        "sns_configs", "telegram_configs", "discord_configs", "webex_configs", "msteams_configs",
        // Newer than 0.25, accepted the same way so that configs written for later versions load too.
        "msteamsv2_configs", "jira_configs", "rocketchat_configs", "mattermost_configs", "incidentio_configs",
    ];

    private (List<ReceiverConfig>, List<UnsupportedIntegration>) ReadReceivers(MapReader top, GlobalConfig global)
    {
        var receivers = new List<ReceiverConfig>();
        var unsupported = new List<UnsupportedIntegration>();
        foreach (var (r, _) in top.MapList("receivers"))
        {
            var name = r.String("name");
            if (string.IsNullOrEmpty(name))
            {
                r.Error("name", "missing name in receiver");
            }
            else if (!_receiverNames.Add(name))
            {
                r.Error("name", $"notification config name \"{name}\" is not unique");
            }

            var skipped = new List<string>();
            foreach (var key in UnsupportedIntegrationKeys)
            {
                if (r.Take(key) is { } node)
                {
                    skipped.Add(key);
                    unsupported.Add(new UnsupportedIntegration(name ?? "", key, LoadContext.Line(node)));
                    ctx.Warn(r.KeyNode(key), r.Field(key),
                        $"{key} is not supported: receiver \"{name}\" loads, but will not notify through it");
                }
            }

            receivers.Add(new ReceiverConfig
            {
                Name = name ?? "",
                WebhookConfigs = [.. r.MapList("webhook_configs").Select(e => ReadWebhook(e.Item, global))],
                EmailConfigs = [.. r.MapList("email_configs").Select(e => ReadEmail(e.Item, global)).OfType<EmailConfig>()],
                SlackConfigs = [.. r.MapList("slack_configs").Select(e => ReadSlack(e.Item, global))],
                DingTalkConfigs = [.. r.MapList("dingtalk_configs").Select(e => ReadDingTalk(e.Item, global))],
                Language = r.Language("language"),
                UnsupportedIntegrations = skipped,
                Line = LoadContext.Line(r.Node),
            });
            r.Finish();
        }
        return (receivers, unsupported);
    }

    private WebhookConfig ReadWebhook(MapReader w, GlobalConfig global)
    {
        var config = new WebhookConfig
        {
            SendResolved = w.Bool("send_resolved", true),
            Url = w.Url("url", redact: true),
            UrlFile = w.FilePath("url_file"),
            HttpConfig = w.HttpConfig("http_config") ?? global.HttpConfig,
            MaxAlerts = w.Int("max_alerts", min: 0) ?? 0,
            Timeout = w.PositiveDuration("timeout"),
            Line = LoadContext.Line(w.Node),
        };
        w.UrlOrFile();
        w.Finish();
        return config;
    }



    private EmailConfig? ReadEmail(MapReader e, GlobalConfig global)
    {
        var to = e.String("to");
        if (string.IsNullOrEmpty(to))
        {
            e.Error("to", "missing to address in email config");
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value, keyNode, _) in e.StringMapWithNodes("headers") ?? [])
        {
            // Header names are case-insensitive; Alertmanager canonicalises with Go's strings.Title.
            var normalized = GoTitle(name);
            if (!headers.TryAdd(normalized, value))
            {
                ctx.Error(keyNode, $"{e.Field("headers")}.{name}", $"duplicate header \"{normalized}\" in email config");
            }
        }

        var smarthost = e.HostPort("smarthost");
        var from = e.String("from");
        var password = e.String("auth_password");
        var passwordFile = e.FilePath("auth_password_file");
        e.AtMostOne("auth_password", "auth_password_file");
        var secret = e.String("auth_secret");
        // What this email config sets itself; the globals fill in the rest below.
        var own = new
        {
            SendResolved = e.Bool("send_resolved", false),
            Hello = e.String("hello"),
            AuthUsername = e.String("auth_username"),
            AuthIdentity = e.String("auth_identity"),
            RequireTls = e.OptionalBool("require_tls"),
            TlsConfig = e.TlsConfig("tls_config"),
            Html = e.String("html"),
            Text = e.String("text"),
        };

        // Global defaults, filled in as Alertmanager's Config.UnmarshalYAML does.
        if (string.IsNullOrEmpty(smarthost) && !e.Has("smarthost"))
        {
            smarthost = global.SmtpSmarthost;
            if (string.IsNullOrEmpty(smarthost))
            {
                e.Error("no global SMTP smarthost set");
            }
        }
        if (string.IsNullOrEmpty(from))
        {
            from = global.SmtpFrom;
            if (string.IsNullOrEmpty(from))
            {
                e.Error("no global SMTP from set");
            }
        }
        if (string.IsNullOrEmpty(password) && string.IsNullOrEmpty(passwordFile))
        {
            password = global.SmtpAuthPassword;
            passwordFile = global.SmtpAuthPasswordFile;
        }
        e.Finish();
        if (string.IsNullOrEmpty(to) || string.IsNullOrEmpty(smarthost) || string.IsNullOrEmpty(from))
        {
            return null;
        }
        return new EmailConfig
        {
            SendResolved = own.SendResolved,
            To = to,
            From = from,
            Hello = string.IsNullOrEmpty(own.Hello) ? global.SmtpHello : own.Hello,
            Smarthost = smarthost,
            AuthUsername = string.IsNullOrEmpty(own.AuthUsername) ? global.SmtpAuthUsername : own.AuthUsername,
            AuthPassword = password,
            AuthPasswordFile = passwordFile,
            AuthSecret = string.IsNullOrEmpty(secret) ? global.SmtpAuthSecret : secret,
            AuthIdentity = string.IsNullOrEmpty(own.AuthIdentity) ? global.SmtpAuthIdentity : own.AuthIdentity,
            RequireTls = own.RequireTls ?? global.SmtpRequireTls,
            TlsConfig = own.TlsConfig,
            Headers = headers,
            Html = own.Html,
            Text = own.Text,
            Line = LoadContext.Line(e.Node),
        };
    }

    /// <summary>Go's strings.Title: upper-cases the first letter after every separator, leaves the rest.</summary>
    internal static string GoTitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prev = ' ';
        foreach (var c in s)
        {
            sb.Append(IsSeparator(prev) ? char.ToUpperInvariant(c) : c);
            prev = c;
        }
        return sb.ToString();

        static bool IsSeparator(char c) => c <= 0x7F
            ? !(char.IsAsciiLetterOrDigit(c) || c == '_')
            : !char.IsLetterOrDigit(c) && char.IsWhiteSpace(c);
    }

    private SlackConfig ReadSlack(MapReader s, GlobalConfig global)
    {
        var apiUrl = s.Url("api_url", secret: true);
        var apiUrlFile = s.FilePath("api_url_file");
        s.AtMostOne("api_url", "api_url_file");
        if (apiUrl is null && apiUrlFile is null && !s.Has("api_url"))
        {
            if (global.SlackApiUrl is null && global.SlackApiUrlFile is null)
            {
                s.Error("no global Slack API URL set either inline or in a file");
            }
            apiUrl = global.SlackApiUrl;
            apiUrlFile = global.SlackApiUrlFile;
        }

        var fields = new List<SlackField>();
        foreach (var (f, _) in s.MapList("fields"))
        {
            var title = f.String("title");
            var value = f.String("value");
            var isShort = f.OptionalBool("short");
            if (string.IsNullOrEmpty(title))
            {
                f.Error("title", "missing title in Slack field configuration");
            }
            if (string.IsNullOrEmpty(value))
            {
                f.Error("value", "missing value in Slack field configuration");
            }
            f.Finish();
            fields.Add(new SlackField(title ?? "", value ?? "", isShort));
        }

        var actions = new List<SlackAction>();
        foreach (var (a, _) in s.MapList("actions"))
        {
            actions.Add(ReadSlackAction(a));
        }

        var config = new SlackConfig
        {
            SendResolved = s.Bool("send_resolved", false),
            ApiUrl = apiUrl,
            ApiUrlFile = apiUrlFile,
            HttpConfig = s.HttpConfig("http_config") ?? global.HttpConfig,
            Channel = s.String("channel"),
            Username = s.String("username"),
            Color = s.String("color"),
            Title = s.String("title"),
            TitleLink = s.String("title_link"),
            Pretext = s.String("pretext"),
            Text = s.String("text"),
            Fields = fields,
            ShortFields = s.Bool("short_fields", false),
            Footer = s.String("footer"),
            Fallback = s.String("fallback"),
            CallbackId = s.String("callback_id"),
            IconEmoji = s.String("icon_emoji"),
            IconUrl = s.String("icon_url"),
            ImageUrl = s.String("image_url"),
            ThumbUrl = s.String("thumb_url"),
            LinkNames = s.Bool("link_names", false),
            MrkdwnIn = s.StringList("mrkdwn_in") ?? [],
            Actions = actions,
            Line = LoadContext.Line(s.Node),
        };
        s.Finish();
        return config;
    }

    private static SlackAction ReadSlackAction(MapReader a)
    {
        var type = a.String("type");
        var text = a.String("text");
        var url = a.String("url");
        var name = a.String("name");
        if (string.IsNullOrEmpty(type))
        {
            a.Error("type", "missing type in Slack action configuration");
        }
        if (string.IsNullOrEmpty(text))
        {
            a.Error("text", "missing text in Slack action configuration");
        }
        if (string.IsNullOrEmpty(url) && string.IsNullOrEmpty(name))
        {
            a.Error("missing name or url in Slack action configuration");
        }
        SlackConfirmation? confirm = null;
        if (a.Map("confirm") is { } c)
        {
            var confirmText = c.String("text");
            if (string.IsNullOrEmpty(confirmText))
            {
                c.Error("text", "missing text in Slack confirmation configuration");
            }
            confirm = new SlackConfirmation(confirmText ?? "", c.String("title"), c.String("ok_text"), c.String("dismiss_text"));
            c.Finish();
        }
        var action = new SlackAction
        {
            Type = type ?? "",
            Text = text ?? "",
            Url = url,
            Style = a.String("style"),
            Name = name,
            Value = a.String("value"),
            Confirm = confirm,
        };
        a.Finish();
        return action;
    }

    private DingTalkConfig ReadDingTalk(MapReader d, GlobalConfig global)
    {
        var messageType = DingTalkMessageType.Markdown;
        switch (d.String("message_type"))
        {
            case null or "" or "markdown":
                break;
            case "actionCard":
                messageType = DingTalkMessageType.ActionCard;
                break;
            case var other:
                d.Error("message_type", $"unknown message_type \"{other}\" (want markdown or actionCard)");
                break;
        }
        var language = d.Language("language");
        var config = new DingTalkConfig
        {
            SendResolved = d.Bool("send_resolved", true),
            Url = d.Url("url", secret: true),
            UrlFile = d.FilePath("url_file"),
            Secret = d.String("secret"),
            MessageType = messageType,
            Keyword = d.String("keyword"),
            AtMobiles = d.StringList("at_mobiles") ?? [],
            AtUserIds = d.StringList("at_user_ids") ?? [],
            IsAtAll = d.Bool("is_at_all", false),
            Title = d.String("title"),
            Text = d.String("text"),
            Language = language,
            HttpConfig = d.HttpConfig("http_config") ?? global.HttpConfig,
            Line = LoadContext.Line(d.Node),
        };
        d.UrlOrFile();
        d.Finish();
        return config;
    }
}
