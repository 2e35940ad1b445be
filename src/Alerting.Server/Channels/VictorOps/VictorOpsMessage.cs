using Alerting.Channels.Http;
using Alerting.Core.Notifications;

namespace Alerting.Channels.VictorOps;

/// <summary>The VictorOps alert: its JSON and whether the state message was cut to fit.</summary>
internal sealed record VictorOpsAlert(string Body, bool TruncatedStateMessage);

/// <summary>
/// Alertmanager's createVictorOpsPayload: a map[string]string (so its keys go out sorted) with the message type
/// (INFO, WARNING or CRITICAL while firing, anything else becoming CRITICAL; RECOVERY once resolved), the group
/// key's hash as entity_id, and the custom fields.
/// </summary>
internal static class VictorOpsMessage
{
    public const string Trigger = "CRITICAL";
    public const string Recovery = "RECOVERY";

    /// <summary>VictorOps's limit for state_message, in runes.</summary>
    public const int MaxStateMessageRunes = 20480;

    private static readonly HashSet<string> AllowedFiringTypes = new(StringComparer.Ordinal) { "INFO", "WARNING", "CRITICAL" };

    public static VictorOpsAlert Build(VictorOpsConfig config, NotificationData data, Func<string, string> tmpl)
    {
        var messageType = tmpl(config.MessageType);
        var (stateMessage, truncated) = Truncation.TruncateInRunes(tmpl(config.StateMessage), MaxStateMessageRunes);
        if (data.Status == NotificationStatus.Firing && !AllowedFiringTypes.Contains(messageType))
        {
            messageType = Trigger;
        }
        if (data.Status == NotificationStatus.Resolved)
        {
            messageType = Recovery;
        }
        var fields = new List<KeyValuePair<string, string>>
        {
            new("message_type", messageType),
            new("entity_id", GroupKeyHash.Hash(data.GroupKey)),
            new("entity_display_name", tmpl(config.EntityDisplayName)),
            new("state_message", stateMessage),
            new("monitoring_tool", tmpl(config.MonitoringTool)),
        };
        fields.AddRange(config.CustomFields.Select(f => new KeyValuePair<string, string>(f.Key, tmpl(f.Value))));
        return new(new GoJsonWriter().StringMap(fields).ToEncoderOutput(), truncated);
    }

    /// <summary>
    /// The API URL with the API key and the templated routing key appended to its path (Go's <c>Path +=</c>: a
    /// '%', '?' or '#' in them stays part of the path).
    /// </summary>
    public static string Url(VictorOpsConfig config, string apiKey, string routingKey) =>
        UrlPaths.Append(config.ApiUrl, PathPart($"{apiKey}/{routingKey}"));

    private static string PathPart(string s) =>
        s.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3F", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
}
