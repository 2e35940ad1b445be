using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Templating;

namespace Alerting.Channels.Mattermost;

/// <summary>
/// Mattermost (<c>mattermost_configs</c>): Alertmanager's request to an incoming webhook, field for field. Only
/// 5xx answers and network errors are retried (its Retrier has no extra codes, so 429 is not).
/// </summary>
internal sealed class MattermostNotifier(MattermostConfig config, HttpClientProvider clients, GoTemplateSet templates, TimeProvider time) : INotifier
{
    /// <summary>Mattermost's limit on a post's text, in runes.</summary>
    public const int MaxTextRunes = 16383;

    /// <summary>Alertmanager bounds an attempt only by the notification's deadline, at least 10 s.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);


    public string Integration => MattermostChannel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var (url, problem) = await SecretUrl.ResolveAsync("mattermost", "webhook_url", config.Url, "webhook_url_file", config.UrlFile, ct);
        if (url is null)
        {
            return HttpDelivery.Permanent(problem!, time.GetElapsedTime(started));
        }
        var (body, channel, error) = BuildBody(request.Data ?? throw new InvalidOperationException("Mattermost needs the notification data"));
        if (body is null)
        {
            return HttpDelivery.Permanent(error!, time.GetElapsedTime(started));
        }

        using var message = AlertmanagerHttp.PostJson(url, body);
        var result = await HttpDelivery.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct, Retrier.Default);
        if (result is { Outcome: not SendOutcome.Success, StatusCode: not null })
        {
            result = result with { Error = $"channel \"{channel}\": {result.Error}" };
        }
        // The webhook's key is its path: keep it out of errors and history.
        return result.Error is { } text && url.AbsolutePath.Length > 1
            ? result with { Error = text.Replace(url.AbsolutePath, "/<secret>", StringComparison.Ordinal) }
            : result;
    }

    /// <summary>The body Alertmanager's createRequest and sanitizeRequest produce, or the template error.</summary>
    internal (string? Body, string Channel, string? Error) BuildBody(NotificationData data)
    {
        // Text fields see the data escaped for Mattermost's markdown (no link, mention or markup from an alert;
        // Alertmanager sends it as is); names and URLs see it unescaped, with only http(s) URLs.
        var tmpl = new TemplateExpander(templates, ChatData.Escape(data, ChatText.CommonMark));
        var raw = new TemplateExpander(templates, ChatData.SafeUrls(data));
        var text = tmpl.Text(config.Text);
        var channel = raw.Text(config.Channel);
        var username = raw.Text(config.Username);
        var iconUrl = raw.Text(config.IconUrl);
        var iconEmoji = raw.Text(config.IconEmoji);
        var type = raw.Text(config.Type);
        var priority = config.Priority is { Priority.Length: > 0 } p ? Sanitize(p with { Priority = raw.Text(p.Priority) }) : null;
        var card = config.PropsCard.Length > 0 ? tmpl.Text(config.PropsCard) : null;

        var json = new GoJsonWriter().BeginObject();
        // With attachments configured the text goes in the post (and is truncated); without, into the one attachment.
        var postText = config.Attachments.Count > 0 ? Truncation.TruncateInRunes(text, MaxTextRunes).Text : "";
        json.PropertyOmitEmpty("text", postText)
            .PropertyOmitEmpty("channel", channel)
            .PropertyOmitEmpty("username", username)
            .PropertyOmitEmpty("icon_url", iconUrl)
            .PropertyOmitEmpty("icon_emoji", iconEmoji)
            .Name("attachments").BeginArray();
        if (config.Attachments.Count > 0)
        {
            foreach (var attachment in config.Attachments)
            {
                WriteAttachment(json, attachment, tmpl.Text(attachment.Fallback), tmpl);
            }
        }
        else
        {
            WriteAttachment(json, config.Attachment with { Text = text }, tmpl.Text(config.Attachment.Fallback), tmpl, textRendered: true);
        }
        json.EndArray().PropertyOmitEmpty("type", type);
        if (card is not null)
        {
            json.Name("props").BeginObject().PropertyOmitEmpty("card", card).EndObject();
        }
        if (priority is not null)
        {
            json.Name("priority").BeginObject().PropertyOmitEmpty("priority", priority.Priority);
            if (priority.RequestedAck)
            {
                json.Name("requested_ack").Raw("true");
            }
            if (priority.PersistentNotifications)
            {
                json.Name("persistent_notifications").Raw("true");
            }
            json.EndObject();
        }
        json.EndObject();
        return (tmpl.Error ?? raw.Error) is { } error ? (null, channel, error.Message) : (json.ToEncoderOutput(), channel, null);
    }

    /// <summary>One attachment, its texts rendered in Alertmanager's order (fallback first, rendered by the caller).</summary>
    private static void WriteAttachment(GoJsonWriter json, MattermostAttachmentConfig a, string fallback, TemplateExpander tmpl, bool textRendered = false)
    {
        var color = tmpl.Text(a.Color);
        var pretext = tmpl.Text(a.Pretext);
        var text = textRendered ? a.Text : tmpl.Text(a.Text);
        json.BeginObject()
            .PropertyOmitEmpty("fallback", fallback)
            .PropertyOmitEmpty("color", color)
            .PropertyOmitEmpty("pretext", pretext)
            .PropertyOmitEmpty("text", text)
            .PropertyOmitEmpty("author_name", tmpl.Text(a.AuthorName))
            .PropertyOmitEmpty("author_link", tmpl.Text(a.AuthorLink))
            .PropertyOmitEmpty("author_icon", tmpl.Text(a.AuthorIcon))
            .PropertyOmitEmpty("title", tmpl.Text(a.Title))
            .PropertyOmitEmpty("title_link", tmpl.Text(a.TitleLink));
        var thumbUrl = tmpl.Text(a.ThumbUrl);
        var footer = tmpl.Text(a.Footer);
        var footerIcon = tmpl.Text(a.FooterIcon);
        var imageUrl = tmpl.Text(a.ImageUrl);
        if (a.Fields.Count > 0)
        {
            json.Name("fields").BeginArray();
            foreach (var field in a.Fields)
            {
                json.BeginObject().PropertyOmitEmpty("title", tmpl.Text(field.Title)).PropertyOmitEmpty("value", tmpl.Text(field.Value));
                if (field.Short is { } isShort)
                {
                    json.Name("short").Raw(isShort ? "true" : "false");
                }
                json.EndObject();
            }
            json.EndArray();
        }
        json.PropertyOmitEmpty("thumb_url", thumbUrl)
            .PropertyOmitEmpty("footer", footer)
            .PropertyOmitEmpty("footer_icon", footerIcon)
            .PropertyOmitEmpty("image_url", imageUrl)
            .EndObject();
    }

    /// <summary>
    /// sanitizeRequest: the priority in lower case, else "standard"; an acknowledgement needs more than standard,
    /// persistent notifications need urgent.
    /// </summary>
    internal static MattermostPriorityConfig Sanitize(MattermostPriorityConfig p)
    {
        var priority = p.Priority.ToLowerInvariant() is "urgent" or "important" or "standard" ? p.Priority.ToLowerInvariant() : "standard";
        return new MattermostPriorityConfig(priority, p.RequestedAck && priority != "standard", p.PersistentNotifications && priority == "urgent");
    }
}
