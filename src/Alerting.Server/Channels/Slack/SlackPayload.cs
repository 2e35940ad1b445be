using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Slack;

/// <summary>A Slack attachment field with its templates run.</summary>
internal sealed record RenderedField(string Title, string Value, bool Short);

/// <summary>The request Alertmanager's slack notifier builds, every templated field rendered.</summary>
internal sealed record SlackRequest
{
    public string Channel { get; init; } = "";

    public string Username { get; init; } = "";

    public string IconEmoji { get; init; } = "";

    public string IconUrl { get; init; } = "";

    public bool LinkNames { get; init; }

    public string Text { get; init; } = "";

    public string Title { get; init; } = "";

    public string TitleLink { get; init; } = "";

    public string Pretext { get; init; } = "";

    public string AttachmentText { get; init; } = "";

    public string Fallback { get; init; } = "";

    public string CallbackId { get; init; } = "";

    public IReadOnlyList<RenderedField> Fields { get; init; } = [];

    public IReadOnlyList<SlackAction> Actions { get; init; } = [];

    public string ImageUrl { get; init; } = "";

    public string ThumbUrl { get; init; } = "";

    public string Footer { get; init; } = "";

    public string Color { get; init; } = "";

    public IReadOnlyList<string> MrkdwnIn { get; init; } = [];
}

/// <summary>
/// Slack's request body, built as Alertmanager's notify/slack builds it: every templated field run through the
/// Go templates (config.DefaultSlackConfig's defaults for the fields the config leaves unset), the title cut to
/// 1024 runes, encoded as Go's json.Encoder writes the request struct.
/// </summary>
internal static class SlackPayload
{
    /// <summary>notify/slack's maxTitleLenRunes.</summary>
    public const int MaxTitleRunes = 1024;

    /// <summary>Our message's limits: Slack shortens longer attachment text and titles itself, less tidily.</summary>
    public const int MaxOurTextLength = 3000;

    public const int MaxOurTitleLength = 250;

    private static readonly string[] s_defaultMrkdwnIn = ["fallback", "pretext", "text"];

    /// <summary>Alertmanager's message: what an unmodified configuration sends.</summary>
    public static string Alertmanager(SlackConfig config, GoFields go) => Encode(Render(config, go, SlackTemplateDefaults.Alertmanager));

    /// <summary>
    /// Our message (a <c>slack.title.sbn</c> or <c>slack.text.sbn</c> in <c>templates:</c>): title and text from
    /// <paramref name="content"/>, the View link as title link, colour by status and the action links as buttons,
    /// unless the config sets them; every other field as in Alertmanager, without its defaults.
    /// </summary>
    public static string Ours(SlackConfig config, GoFields go, SlackContent content, ActionLinks? links)
    {
        var request = Render(config, go, defaults: null);
        var title = Cut(content.Title, MaxOurTitleLength);
        var firing = go.Data.Status == NotificationStatus.Firing;
        request = request with
        {
            Title = title,
            AttachmentText = Cut(content.Text, MaxOurTextLength),
            Fallback = config.Fallback is null ? title : request.Fallback,
            TitleLink = config.TitleLink is null ? links?.View ?? "" : request.TitleLink,
            Color = config.Color is null ? (firing ? "danger" : "good") : request.Color,
            Actions = config.Actions.Count > 0 || links is null ? request.Actions :
            [
                Button(content.Buttons.View, links.View), Button(content.Buttons.Silence1h, links.Silence1h),
                Button(content.Buttons.Silence24h, links.Silence24h), Button(content.Buttons.Acknowledge, links.Acknowledge),
            ],
        };
        return Encode(request);
    }

    /// <summary>notify/slack's Notify up to the request: tmplText over every field, in its order.</summary>
    internal static SlackRequest Render(SlackConfig c, GoFields go, SlackTemplateDefaults? defaults)
    {
        string T(string field, string? template, string? standard, Func<string>? last = null) =>
            standard is null ? go.Text("slack." + field, template, last) : go.TextOr("slack." + field, template, standard, last);
        // URL fields see the data unescaped (its URLs made safe): Slack does not read markup there.
        string U(string field, string? template, string? standard) =>
            standard is null ? go.Urls.Text("slack." + field, template) : go.Urls.TextOr("slack." + field, template, standard);
        var title = T("title", c.Title, defaults?.Title, () => PlainText.Subject(go.Data));
        return new SlackRequest
        {
            Title = Truncation.TruncateInRunes(title, MaxTitleRunes).Text,
            TitleLink = U("title_link", c.TitleLink, defaults?.TitleLink),
            Pretext = T("pretext", c.Pretext, defaults?.Pretext),
            AttachmentText = T("text", c.Text, defaults?.Text),
            Fallback = T("fallback", c.Fallback, defaults?.Fallback, () => title),
            CallbackId = T("callback_id", c.CallbackId, defaults?.CallbackId),
            ImageUrl = U("image_url", c.ImageUrl, null),
            ThumbUrl = U("thumb_url", c.ThumbUrl, null),
            Footer = T("footer", c.Footer, defaults?.Footer),
            Color = T("color", c.Color, defaults?.Color),
            MrkdwnIn = c.MrkdwnIn.Count == 0 ? s_defaultMrkdwnIn : c.MrkdwnIn,
            Fields = [.. c.Fields.Select(f => new RenderedField(T("fields.title", f.Title, null), T("fields.value", f.Value, null), f.Short ?? c.ShortFields))],
            Actions = [.. c.Actions.Select(a => new SlackAction
            {
                Type = T("actions.type", a.Type, null),
                Text = T("actions.text", a.Text, null),
                Url = U("actions.url", a.Url, null),
                Style = T("actions.style", a.Style, null),
                Name = T("actions.name", a.Name, null),
                Value = T("actions.value", a.Value, null),
                Confirm = a.Confirm is { } confirm
                    ? new SlackConfirmation(T("actions.confirm.text", confirm.Text, null), T("actions.confirm.title", confirm.Title, null),
                        T("actions.confirm.ok_text", confirm.OkText, null), T("actions.confirm.dismiss_text", confirm.DismissText, null))
                    : null,
            })],
            Channel = T("channel", c.Channel, null),
            Username = T("username", c.Username, defaults?.Username),
            IconEmoji = T("icon_emoji", c.IconEmoji, defaults?.IconEmoji),
            IconUrl = U("icon_url", c.IconUrl, defaults?.IconUrl),
            LinkNames = c.LinkNames,
            Text = T("message_text", c.MessageText, null),
        };
    }

    /// <summary>json.NewEncoder(&amp;buf).Encode(req): struct order, omitempty where Alertmanager has it, a trailing newline.</summary>
    internal static string Encode(SlackRequest r)
    {
        var w = new GoJsonWriter().BeginObject()
            .PropertyOmitEmpty("channel", r.Channel)
            .PropertyOmitEmpty("username", r.Username)
            .PropertyOmitEmpty("icon_emoji", r.IconEmoji)
            .PropertyOmitEmpty("icon_url", r.IconUrl);
        if (r.LinkNames)
        {
            w.Name("link_names").Raw("true");
        }
        w.PropertyOmitEmpty("text", r.Text)
            .Name("attachments").BeginArray().BeginObject()
            .PropertyOmitEmpty("title", r.Title)
            .PropertyOmitEmpty("title_link", r.TitleLink)
            .PropertyOmitEmpty("pretext", r.Pretext)
            .Property("text", r.AttachmentText)
            .Property("fallback", r.Fallback)
            .Property("callback_id", r.CallbackId);
        if (r.Fields.Count > 0)
        {
            w.Name("fields").BeginArray();
            foreach (var f in r.Fields)
            {
                w.BeginObject().PropertyOmitEmpty("title", f.Title).PropertyOmitEmpty("value", f.Value).Name("short").Raw(f.Short ? "true" : "false").EndObject();
            }
            w.EndArray();
        }
        if (r.Actions.Count > 0)
        {
            w.Name("actions").BeginArray();
            foreach (var a in r.Actions)
            {
                WriteAction(w, a);
            }
            w.EndArray();
        }
        w.PropertyOmitEmpty("image_url", r.ImageUrl)
            .PropertyOmitEmpty("thumb_url", r.ThumbUrl)
            .Property("footer", r.Footer)
            .PropertyOmitEmpty("color", r.Color);
        if (r.MrkdwnIn.Count > 0)
        {
            w.Name("mrkdwn_in").BeginArray();
            foreach (var m in r.MrkdwnIn)
            {
                w.String(m);
            }
            w.EndArray();
        }
        return w.EndObject().EndArray().EndObject().ToEncoderOutput();
    }

    private static void WriteAction(GoJsonWriter w, SlackAction a)
    {
        w.BeginObject()
            .PropertyOmitEmpty("type", a.Type)
            .PropertyOmitEmpty("text", a.Text)
            .PropertyOmitEmpty("url", a.Url)
            .PropertyOmitEmpty("style", a.Style)
            .PropertyOmitEmpty("name", a.Name)
            .PropertyOmitEmpty("value", a.Value);
        if (a.Confirm is { } c)
        {
            w.Name("confirm").BeginObject()
                .PropertyOmitEmpty("text", c.Text)
                .PropertyOmitEmpty("title", c.Title)
                .PropertyOmitEmpty("ok_text", c.OkText)
                .PropertyOmitEmpty("dismiss_text", c.DismissText)
                .EndObject();
        }
        w.EndObject();
    }

    private static SlackAction Button(string text, string url) => new() { Type = "button", Text = text, Url = url };

    /// <summary>Our message's cut: at a line break in the second half when there is one, ending with "…".</summary>
    internal static string Cut(string s, int max)
    {
        if (s.Length <= max)
        {
            return s;
        }
        var cut = s.LastIndexOf('\n', max - 1);
        return (cut > max / 2 ? s[..cut] : s[..(max - 1)]) + "…";
    }
}

/// <summary>config.DefaultSlackConfig (0.25): the templates of the fields a config leaves unset.</summary>
internal sealed record SlackTemplateDefaults(
    string Color, string Username, string Title, string TitleLink, string IconEmoji, string IconUrl,
    string Pretext, string Text, string Fallback, string CallbackId, string Footer)
{
    public static readonly SlackTemplateDefaults Alertmanager = new(
        """{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}""",
        """{{ template "slack.default.username" . }}""",
        """{{ template "slack.default.title" . }}""",
        """{{ template "slack.default.titlelink" . }}""",
        """{{ template "slack.default.iconemoji" . }}""",
        """{{ template "slack.default.iconurl" . }}""",
        """{{ template "slack.default.pretext" . }}""",
        """{{ template "slack.default.text" . }}""",
        """{{ template "slack.default.fallback" . }}""",
        """{{ template "slack.default.callbackid" . }}""",
        """{{ template "slack.default.footer" . }}""");
}
