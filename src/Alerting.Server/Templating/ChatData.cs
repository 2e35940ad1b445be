using System.Text.RegularExpressions;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;

namespace Alerting.Templating;

/// <summary>
/// The notification data as a chat channel's Go templates see it: every label and annotation value (and any
/// name that is not a plain label name) escaped for the channel's markup, and generatorURL as <see cref="SafeUrl"/>
/// has it, then escaped with <paramref name="url"/>. Receiver and external URL come from the configuration and stay.
/// </summary>
internal static partial class ChatData
{
    public static NotificationData Escape(NotificationData data, Func<string, string> text, Func<string, string>? url = null)
    {
        url ??= ChatText.Unchanged;
        var labels = new Dictionary<LabelSet, LabelSet>(ReferenceEqualityComparer.Instance);
        LabelSet Map(LabelSet set)
        {
            if (!labels.TryGetValue(set, out var mapped))
            {
                try
                {
                    mapped = LabelSet.From(set.Select(p => new KeyValuePair<string, string>(PlainName().IsMatch(p.Key) ? p.Key : text(p.Key), text(p.Value))));
                }
                catch (ArgumentException)
                {
                    // Two names that escape alike ("@a" and "＠a"): the names stay as sent, the values are escaped.
                    mapped = LabelSet.From(set.Select(p => new KeyValuePair<string, string>(p.Key, text(p.Value))));
                }
                labels[set] = mapped;
            }
            return mapped;
        }
        return data with
        {
            Alerts = [.. data.Alerts.Select(a => a with
            {
                Labels = Map(a.Labels),
                Annotations = Map(a.Annotations),
                GeneratorUrl = url(SafeUrl.Of(a.GeneratorUrl)),
            })],
            GroupLabels = Map(data.GroupLabels),
            CommonLabels = Map(data.CommonLabels),
            CommonAnnotations = Map(data.CommonAnnotations),
            GroupKey = text(data.GroupKey),
        };
    }

    /// <summary>Only URLs made safe: for fields that hold a URL (a Slack button) rather than markup.</summary>
    public static NotificationData SafeUrls(NotificationData data) => data with
    {
        Alerts = [.. data.Alerts.Select(a => a with { GeneratorUrl = SafeUrl.Of(a.GeneratorUrl) })],
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainName();
}
