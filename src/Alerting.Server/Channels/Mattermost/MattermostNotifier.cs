using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;

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
        var result = AlertmanagerHttp.Retrier(await HttpDelivery.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct));
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
        var tmpl = new TemplateExpander(templates, data);
        var text = tmpl.Text(config.Text);
        var channel = tmpl.Text(config.Channel);
        var username = tmpl.Text(config.Username);
        var iconUrl = tmpl.Text(config.IconUrl);
        var iconEmoji = tmpl.Text(config.IconEmoji);
        var type = tmpl.Text(config.Type);
        var priority = config.Priority is { Priority.Length: > 0 } p ? Sanitize(p with { Priority = tmpl.Text(p.Priority) }) : null;
        var card = config.PropsCard.Length > 0 ? tmpl.Text(config.PropsCard) : null;

        var json = new GoJsonWriter().BeginObject();
        // With attachments configured the text goes in the post (and is truncated); without, into the one attachment.
        var postText = config.Attachments.Count > 0 ? Truncation.TruncateInRunes(text, MaxTextRunes).Text : "";
        json.String("text", postText, omitEmpty: true)
            .String("channel", channel, omitEmpty: true)
            .String("username", username, omitEmpty: true)
            .String("icon_url", iconUrl, omitEmpty: true)
            .String("icon_emoji", iconEmoji, omitEmpty: true)
            .BeginArray("attachments");
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
        json.EndArray().String("type", type, omitEmpty: true);
        if (card is not null)
        {
            json.BeginObject("props").String("card", card, omitEmpty: true).EndObject();
        }
        if (priority is not null)
        {
            json.BeginObject("priority")
                .String("priority", priority.Priority, omitEmpty: true)
                .Bool("requested_ack", priority.RequestedAck, omitEmpty: true)
                .Bool("persistent_notifications", priority.PersistentNotifications, omitEmpty: true)
                .EndObject();
        }
        json.EndObject();
        return tmpl.Error is { } error ? (null, channel, error.Message) : (json.Document(), channel, null);
    }

    /// <summary>One attachment, its texts rendered in Alertmanager's order (fallback first, rendered by the caller).</summary>
    private static void WriteAttachment(GoJsonWriter json, MattermostAttachmentConfig a, string fallback, TemplateExpander tmpl, bool textRendered = false)
    {
        var color = tmpl.Text(a.Color);
        var pretext = tmpl.Text(a.Pretext);
        var text = textRendered ? a.Text : tmpl.Text(a.Text);
        json.BeginObject()
            .String("fallback", fallback, omitEmpty: true)
            .String("color", color, omitEmpty: true)
            .String("pretext", pretext, omitEmpty: true)
            .String("text", text, omitEmpty: true)
            .String("author_name", tmpl.Text(a.AuthorName), omitEmpty: true)
            .String("author_link", tmpl.Text(a.AuthorLink), omitEmpty: true)
            .String("author_icon", tmpl.Text(a.AuthorIcon), omitEmpty: true)
            .String("title", tmpl.Text(a.Title), omitEmpty: true)
            .String("title_link", tmpl.Text(a.TitleLink), omitEmpty: true);
        var thumbUrl = tmpl.Text(a.ThumbUrl);
        var footer = tmpl.Text(a.Footer);
        var footerIcon = tmpl.Text(a.FooterIcon);
        var imageUrl = tmpl.Text(a.ImageUrl);
        if (a.Fields.Count > 0)
        {
            json.BeginArray("fields");
            foreach (var field in a.Fields)
            {
                json.BeginObject().String("title", tmpl.Text(field.Title), omitEmpty: true).String("value", tmpl.Text(field.Value), omitEmpty: true);
                if (field.Short is { } isShort)
                {
                    json.Bool("short", isShort);
                }
                json.EndObject();
            }
            json.EndArray();
        }
        json.String("thumb_url", thumbUrl, omitEmpty: true)
            .String("footer", footer, omitEmpty: true)
            .String("footer_icon", footerIcon, omitEmpty: true)
            .String("image_url", imageUrl, omitEmpty: true)
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
