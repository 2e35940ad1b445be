using System.Text.Json;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Templating;

namespace Alerting.Channels.RocketChat;

/// <summary>
/// Rocket.Chat (<c>rocketchat_configs</c>): Alertmanager's chat.postMessage request, field for field, with the
/// user's token in X-Auth-Token and X-User-Id. 5xx, network errors and a 2xx whose body is not JSON are retried;
/// <c>"success": false</c> and other statuses (429 included) are not.
/// </summary>
internal sealed class RocketChatNotifier(RocketChatConfig config, HttpClientProvider clients, GoTemplateSet templates, TimeProvider time) : INotifier
{
    public const int MaxTitleRunes = 1024;

    /// <summary>Alertmanager bounds an attempt only by the notification's deadline, at least 10 s.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);


    public string Integration => RocketChatChannel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var (token, tokenError) = await SecretAsync(config.Token, config.TokenFile, ct);
        var (tokenId, tokenIdError) = await SecretAsync(config.TokenId, config.TokenIdFile, ct);
        if ((tokenError ?? tokenIdError) is { } problem)
        {
            return HttpDelivery.Permanent(problem, time.GetElapsedTime(started));
        }
        var (body, channel, error) = BuildBody(request.Data ?? throw new InvalidOperationException("Rocket.Chat needs the notification data"));
        if (body is null)
        {
            return HttpDelivery.Permanent(error!, time.GetElapsedTime(started));
        }
        var url = new Uri(GoUrlPath.JoinPath(config.ApiUrl, "api/v1/chat.postMessage"));
        using var message = AlertmanagerHttp.PostJson(url, body);
        message.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        message.Headers.TryAddWithoutValidation("X-User-Id", tokenId);
        var (answer, failure) = await HttpExchange.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct);
        if (answer is null)
        {
            return failure!;
        }
        var latency = time.GetElapsedTime(started);
        if (HttpExchange.Check(answer, url, latency, []) is { } failed)
        {
            return failed with { Error = $"channel \"{channel}\": {failed.Error}" };
        }
        // The Web API answers errors with 200 too.
        var (retry, apiError) = CheckResponse(answer.Body);
        return apiError is null
            ? new SendResult(SendOutcome.Success, answer.Status, null, latency)
            : new SendResult(retry ? SendOutcome.Retryable : SendOutcome.Permanent, answer.Status, $"channel \"{channel}\": {apiError}", latency);
    }

    /// <summary>The PostMessage body Alertmanager encodes, or the template error.</summary>
    internal (string? Body, string Channel, string? Error) BuildBody(NotificationData data)
    {
        // Text fields see the data escaped for Rocket.Chat's markdown (no link, mention or markup from an alert;
        // Alertmanager sends it as is); URLs and names see it unescaped, with only http(s) URLs.
        var tmpl = new TemplateExpander(templates, ChatData.Escape(data, ChatText.CommonMark));
        var raw = new TemplateExpander(templates, ChatData.SafeUrls(data));
        var (title, _) = Truncation.TruncateInRunes(tmpl.Text(config.Title), MaxTitleRunes);
        var titleLink = raw.Text(config.TitleLink);
        var text = tmpl.Text(config.Text);
        var imageUrl = raw.Text(config.ImageUrl);
        var thumbUrl = raw.Text(config.ThumbUrl);
        var color = raw.Text(config.Color);
        var fields = config.Fields.Select(f => (Short: f.Short ?? config.ShortFields, Title: tmpl.Text(f.Title), Value: tmpl.Text(f.Value))).ToList();
        var actions = config.Actions.Select(a => (Text: tmpl.Text(a.Text), Url: raw.Text(a.Url), Msg: tmpl.Text(a.Msg))).ToList();
        var channel = raw.Text(config.Channel);
        var emoji = raw.Text(config.Emoji);
        var avatar = raw.Text(config.IconUrl);
        if ((tmpl.Error ?? raw.Error) is { } error)
        {
            return (null, channel, error.Message);
        }

        var json = new GoJsonWriter().BeginObject()
            .PropertyOmitEmpty("channel", channel)
            .PropertyOmitEmpty("emoji", emoji)
            .PropertyOmitEmpty("avatar", avatar)
            .Name("attachments").BeginArray().BeginObject()
            .PropertyOmitEmpty("title", title)
            .PropertyOmitEmpty("title_link", titleLink)
            .PropertyOmitEmpty("text", text)
            .PropertyOmitEmpty("image_url", imageUrl)
            .PropertyOmitEmpty("thumb_url", thumbUrl)
            .PropertyOmitEmpty("color", color);
        if (fields.Count > 0)
        {
            json.Name("fields").BeginArray();
            foreach (var f in fields)
            {
                json.BeginObject().Name("short").Raw(f.Short ? "true" : "false").PropertyOmitEmpty("title", f.Title).PropertyOmitEmpty("value", f.Value).EndObject();
            }
            json.EndArray();
        }
        if (actions.Count > 0)
        {
            json.Name("actions").BeginArray();
            foreach (var a in actions)
            {
                // Only buttons: the other members keep Go's zero values, the booleans sent as false.
                json.BeginObject().Property("type", "button").PropertyOmitEmpty("text", a.Text).PropertyOmitEmpty("url", a.Url)
                    .Name("is_webview").Raw("false").PropertyOmitEmpty("msg", a.Msg).Name("msg_in_chat_window").Raw("false").EndObject();
            }
            json.EndArray();
        }
        return (json.EndObject().EndArray().EndObject().ToEncoderOutput(), channel, null);
    }

    /// <summary>
    /// checkJSONResponseError: <c>{"success": true}</c> succeeds; false (or null) is a permanent error with the API's
    /// message; a body that does not decode (not JSON, wrong types) is retried.
    /// </summary>
    internal static (bool Retry, string? Error) CheckResponse(string body)
    {
        var success = false;
        var error = "";
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                return (true, $"could not unmarshal JSON response {Quote(body)}: json: cannot unmarshal {root.ValueKind.ToString().ToLowerInvariant()} into Go value");
            }
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in root.EnumerateObject())
                {
                    // encoding/json matches member names without regard to case.
                    if (property.Name.Equals("success", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind != JsonValueKind.Null)
                    {
                        success = property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                            ? property.Value.GetBoolean()
                            : throw new JsonException("json: cannot unmarshal into Go struct field response.success of type bool");
                    }
                    else if (property.Name.Equals("error", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind != JsonValueKind.Null)
                    {
                        error = property.Value.ValueKind == JsonValueKind.String
                            ? property.Value.GetString()!
                            : throw new JsonException("json: cannot unmarshal into Go struct field response.error of type string");
                    }
                }
            }
        }
        catch (JsonException e)
        {
            return (true, $"could not unmarshal JSON response {Quote(body)}: {e.Message}");
        }
        return success ? (false, null) : (false, $"error response from Rocketchat: {error}");
    }

    private static string Quote(string body) => JsonSerializer.Serialize(HttpExchange.Prefix(body));

    /// <summary>The secret from its file (trimmed, as Alertmanager reads it) or inline.</summary>
    private static async Task<(string Value, string? Error)> SecretAsync(string? inline, string? file, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(file))
        {
            return (inline ?? "", null);
        }
        try
        {
            return ((await File.ReadAllTextAsync(file, ct)).Trim(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ("", $"could not read {file}: {e.Message}");
        }
    }
}
