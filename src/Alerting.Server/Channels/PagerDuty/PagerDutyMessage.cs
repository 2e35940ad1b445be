using System.Text;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;

namespace Alerting.Channels.PagerDuty;

/// <summary>One event for PagerDuty: the JSON Alertmanager would post, and what was cut to fit.</summary>
/// <param name="TruncatedText">The description (v1) or summary (v2) was cut to 1024 runes.</param>
/// <param name="OversizeBytes">The event was over 512 KB as first encoded (its details then replaced); 0 otherwise.</param>
internal sealed record PagerDutyEvent(string Body, bool TruncatedText, int OversizeBytes);

/// <summary>
/// Alertmanager's pagerDutyMessage for the Events API v1 and v2, field for field in its struct order, with its
/// limits: description or summary at most 1024 runes, the event at most 512 KB (else its custom details are
/// replaced by an error note).
/// </summary>
internal static class PagerDutyMessage
{
    public const string V1Url = "https://events.pagerduty.com/generic/2010-04-15/create_event.json";
    public const int MaxEventSize = 512000;
    public const int MaxV1DescriptionRunes = 1024;
    public const int MaxV2SummaryRunes = 1024;
    public const string Trigger = "trigger";
    public const string Resolve = "resolve";

    /// <summary>units.MetricBytes(512000).String(), as Alertmanager words the note.</summary>
    public static readonly string OversizeNote =
        $"Custom details have been removed because the original event exceeds the maximum size of {MetricBytes(MaxEventSize)}";

    /// <summary>The details rendered (renderDetails): a JSON object with Go's sorted keys.</summary>
    public static string RenderDetails(PagerDutyConfig config, Func<string, string> tmpl)
    {
        var json = new GoJsonWriter();
        new PagerDutyDetail.MapDetail(config.Details).Write(json, tmpl);
        return json.ToString();
    }

    /// <summary>notifyV1's message; <paramref name="serviceKey"/> is the key as configured or read from its file.</summary>
    public static (PagerDutyEvent Event, string ServiceKey) V1(
        PagerDutyConfig config, string eventType, string groupKey, string details, string serviceKey, Func<string, string> tmpl)
    {
        var (description, truncated) = Truncation.TruncateInRunes(tmpl(config.Description), MaxV1DescriptionRunes);
        var key = tmpl(serviceKey);
        var trigger = eventType == Trigger;
        var client = trigger ? tmpl(config.Client) : "";
        var clientUrl = trigger ? tmpl(config.ClientUrl) : "";
        string Encode(string detailsJson)
        {
            var json = new GoJsonWriter().BeginObject()
                .PropertyOmitEmpty("service_key", key)
                .Property("incident_key", GroupKeyHash.Hash(groupKey))
                .PropertyOmitEmpty("event_type", eventType)
                .PropertyOmitEmpty("description", description)
                .Property("event_action", "")
                .Name("payload").Raw("null")
                .PropertyOmitEmpty("client", client)
                .PropertyOmitEmpty("client_url", clientUrl);
            if (detailsJson != "{}")
            {
                json.Name("details").Raw(detailsJson);
            }
            return json.EndObject().ToEncoderOutput();
        }
        return (Capped(Encode, details, truncated), key);
    }

    /// <summary>notifyV2's message; <paramref name="routingKey"/> is the key as configured or read from its file.</summary>
    public static (PagerDutyEvent Event, string RoutingKey) V2(
        PagerDutyConfig config, string eventType, string groupKey, string details, string routingKey, Func<string, string> tmpl)
    {
        var severity = config.Severity.Length == 0 ? "error" : config.Severity;
        var (summary, truncated) = Truncation.TruncateInRunes(tmpl(config.Description), MaxV2SummaryRunes);
        // The order of Alertmanager's tmpl calls, so the first template error is the one it would report.
        var client = tmpl(config.Client);
        var clientUrl = tmpl(config.ClientUrl);
        var key = tmpl(routingKey);
        var source = tmpl(config.Source);
        severity = tmpl(severity);
        var @class = tmpl(config.Class);
        var component = tmpl(config.Component);
        var group = tmpl(config.Group);
        var images = config.Images.Select(i => new PagerDutyImage(tmpl(i.Src), tmpl(i.Alt), tmpl(i.Href))).Where(i => i.Src.Length > 0).ToList();
        var links = config.Links.Select(l => new PagerDutyLink(tmpl(l.Href), tmpl(l.Text))).Where(l => l.Href.Length > 0).ToList();
        string Encode(string detailsJson)
        {
            var json = new GoJsonWriter().BeginObject()
                .PropertyOmitEmpty("routing_key", key)
                .Property("dedup_key", GroupKeyHash.Hash(groupKey))
                .Property("event_action", eventType)
                .Name("payload").BeginObject()
                .Property("summary", summary)
                .Property("source", source)
                .Property("severity", severity)
                .PropertyOmitEmpty("class", @class)
                .PropertyOmitEmpty("component", component)
                .PropertyOmitEmpty("group", group);
            if (detailsJson != "{}")
            {
                json.Name("custom_details").Raw(detailsJson);
            }
            json.EndObject()
                .PropertyOmitEmpty("client", client)
                .PropertyOmitEmpty("client_url", clientUrl);
            if (images.Count > 0)
            {
                json.Name("images").BeginArray();
                foreach (var image in images)
                {
                    json.BeginObject().Property("src", image.Src).Property("alt", image.Alt).Property("href", image.Href).EndObject();
                }
                json.EndArray();
            }
            if (links.Count > 0)
            {
                json.Name("links").BeginArray();
                foreach (var link in links)
                {
                    json.BeginObject().Property("href", link.Href).Property("text", link.Text).EndObject();
                }
                json.EndArray();
            }
            return json.EndObject().ToEncoderOutput();
        }
        return (Capped(Encode, details, truncated), key);
    }

    /// <summary>encodeMessage: over 512 KB, the custom details give way to a note and the event is encoded again.</summary>
    private static PagerDutyEvent Capped(Func<string, string> encode, string details, bool truncated)
    {
        var body = encode(details);
        var size = Encoding.UTF8.GetByteCount(body);
        if (size <= MaxEventSize)
        {
            return new PagerDutyEvent(body, truncated, 0);
        }
        var note = new GoJsonWriter().BeginObject().Property("error", OversizeNote).EndObject().ToString();
        return new PagerDutyEvent(encode(note), truncated, size);
    }

    /// <summary>alecthomas/units' MetricBytes.String(): 512000 is "512KB", 600123 is "600KB123B".</summary>
    public static string MetricBytes(long n)
    {
        string[] prefixes = ["", "K", "M", "G", "T", "P", "E"];
        var parts = new string[prefixes.Length];
        for (var i = 0; i < prefixes.Length; i++)
        {
            if (n % 1000 != 0 || (i == 0 && n == 0))
            {
                parts[prefixes.Length - 1 - i] = $"{n % 1000}{prefixes[i]}B";
            }
            n /= 1000;
            if (n == 0)
            {
                break;
            }
        }
        return string.Concat(parts);
    }
}
