using System.Text.Json.Nodes;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Feishu;

/// <summary>
/// The JSON a Feishu custom bot takes for an interactive card (card JSON 1.0, which every client renders):
/// a header coloured by status, one markdown element, and a row of buttons that open the action links.
/// </summary>
internal static class FeishuCard
{
    public const string FiringColour = "red";
    public const string ResolvedColour = "green";

    public static JsonObject Body(string status, string title, string markdown, ActionLinks? links, ButtonTitles buttons, (string Timestamp, string Sign)? signature)
    {
        var elements = new JsonArray { new JsonObject { ["tag"] = "markdown", ["content"] = markdown } };
        if (links is not null)
        {
            elements.Add(new JsonObject
            {
                ["tag"] = "action",
                ["actions"] = new JsonArray(
                    Button(buttons.View, links.View, "primary"),
                    Button(buttons.Silence1h, links.Silence1h, "default"),
                    Button(buttons.Silence24h, links.Silence24h, "default"),
                    Button(buttons.Acknowledge, links.Acknowledge, "default")),
            });
        }
        var body = new JsonObject();
        if (signature is { } s)
        {
            body["timestamp"] = s.Timestamp;
            body["sign"] = s.Sign;
        }
        body["msg_type"] = "interactive";
        body["card"] = new JsonObject
        {
            ["config"] = new JsonObject { ["wide_screen_mode"] = true },
            ["header"] = new JsonObject
            {
                ["template"] = status == NotificationStatus.Firing ? FiringColour : ResolvedColour,
                ["title"] = new JsonObject { ["tag"] = "plain_text", ["content"] = title },
            },
            ["elements"] = elements,
        };
        return body;
    }

    private static JsonObject Button(string text, string url, string type) => new()
    {
        ["tag"] = "button",
        ["text"] = new JsonObject { ["tag"] = "plain_text", ["content"] = text },
        ["type"] = type,
        ["url"] = url,
    };
}
