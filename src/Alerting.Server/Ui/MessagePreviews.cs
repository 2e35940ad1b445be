using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.Channels;
using Alerting.Core.Configuration;
using Alerting.Core.Notifications;
using Alerting.Delivery;
using Alerting.Templating;

namespace Alerting.Ui;

/// <summary>What one integration would send: its request body (JSON indented), or for email the message.</summary>
internal sealed record MessagePreview(string Integration, string Body);

/// <summary>The route tester's messages: each integration of a receiver renders the tested alert as it would send it.</summary>
internal static class MessagePreviews
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyList<MessagePreview> For(Notifiers notifiers, ReceiverConfig receiver, NotificationData data, ActionLinks links)
    {
        var previews = new List<MessagePreview>();
        foreach (var integration in Integrations.Of(receiver))
        {
            if (notifiers.Find(receiver.Name, integration.Name) is not { } resolved)
            {
                continue;
            }
            string body;
            try
            {
                body = resolved.Notifier is IMessagePreview preview ? preview.Preview(data, links) : resolved.Render(data);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
            {
                body = $"(no preview: {e.Message})";
            }
            if (body.Length > 0)
            {
                previews.Add(new MessagePreview(integration.Name, Indented(body)));
            }
        }
        return previews;
    }

    private static string Indented(string body)
    {
        if (!body.StartsWith('{'))
        {
            return body;
        }
        try
        {
            return JsonNode.Parse(body)?.ToJsonString(s_indented) ?? body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
