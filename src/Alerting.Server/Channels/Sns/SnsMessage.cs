using System.Text;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;

namespace Alerting.Channels.Sns;

/// <summary>The form of one Publish call and whether the message was cut to SNS's limit.</summary>
internal sealed record SnsPublish(string Form, bool Truncated);

/// <summary>
/// Alertmanager's createPublishInput, serialized as the AWS SDK's Query protocol does it: Action=Publish,
/// Version=2010-03-31 and the input's members as form fields (url.Values, sorted), message attributes as numbered
/// entries in key order. The message is cut to 256 KiB, or 1600 bytes for an SMS, with no marker (possibly inside a
/// character, as Alertmanager does), and the attribute truncated=true says so.
/// </summary>
internal static class SnsMessage
{
    public const string ApiVersion = "2010-03-31";
    public const int MaxMessageBytes = 256 * 1024;
    public const int MaxSmsBytes = 1600;

    public static SnsPublish Build(SnsConfig config, string groupKey, Func<string, string> tmpl)
    {
        var attributes = new SortedDictionary<string, string>(GoJsonWriter.KeyOrder);
        foreach (var (key, value) in config.Attributes)
        {
            attributes[tmpl(key)] = tmpl(value);
        }
        var form = new GoUrlValues().Add("Action", "Publish").Add("Version", ApiVersion);
        var limit = MaxMessageBytes;
        if (config.TopicArn.Length > 0)
        {
            var topic = tmpl(config.TopicArn);
            form.Add("TopicArn", topic);
            if (topic.EndsWith(".fifo", StringComparison.Ordinal))
            {
                // A FIFO topic needs both; the group key's hash keeps one group's messages in order and deduplicated.
                var hash = GroupKeyHash.Hash(groupKey);
                form.Add("MessageDeduplicationId", hash).Add("MessageGroupId", hash);
            }
        }
        if (config.PhoneNumber.Length > 0)
        {
            form.Add("PhoneNumber", tmpl(config.PhoneNumber));
            limit = MaxSmsBytes;
        }
        if (config.TargetArn.Length > 0)
        {
            form.Add("TargetArn", tmpl(config.TargetArn));
        }
        var message = Encoding.UTF8.GetBytes(tmpl(config.Message));
        var truncated = message.Length > limit;
        if (truncated)
        {
            message = message[..limit];
            attributes["truncated"] = "true";
        }
        form.Add("Message", message);
        if (attributes.Count == 0)
        {
            form.Add("MessageAttributes", ""); // the SDK's form of an empty (non-nil) map
        }
        var i = 0;
        foreach (var (name, value) in attributes)
        {
            i++;
            form.Add($"MessageAttributes.entry.{i}.Name", name)
                .Add($"MessageAttributes.entry.{i}.Value.DataType", "String")
                .Add($"MessageAttributes.entry.{i}.Value.StringValue", value);
        }
        if (config.Subject.Length > 0)
        {
            form.Add("Subject", tmpl(config.Subject));
        }
        return new(form.Encode(), truncated);
    }
}
