using System.Net;
using Alerting.Core.Labels;
using Scriban.Runtime;

namespace Alerting.Templating;

/// <summary>
/// Turns a <see cref="TemplateModel"/> into the objects a Scriban template reads. Names are listed here
/// rather than reflected, so templates see exactly these snake_case members and nothing else of .NET.
/// Every string from the alerts passes through the escaper the template's channel declares first, so alert
/// data cannot inject markup whatever the template does with it.
/// </summary>
internal static class ScriptModel
{
    public static ScriptObject Build(TemplateModel m, Func<string, string> escape)
    {
        var alerts = m.Alerts.Select(a => (a.IsFiring, Object: Alert(a, escape))).ToList();
        return new ScriptObject
        {
            ["receiver"] = escape(m.Receiver),
            ["status"] = m.Status,
            ["alerts"] = Array(alerts.Select(a => a.Object)),
            ["firing"] = Array(alerts.Where(a => a.IsFiring).Select(a => a.Object)),
            ["resolved"] = Array(alerts.Where(a => !a.IsFiring).Select(a => a.Object)),
            ["group_labels"] = Labels(m.GroupLabels, escape),
            ["common_labels"] = Labels(m.CommonLabels, escape),
            ["common_annotations"] = Labels(m.CommonAnnotations, escape),
            ["external_url"] = escape(m.ExternalUrl),
            ["group_key"] = escape(m.GroupKey),
            ["truncated_alerts"] = m.TruncatedAlerts,
            ["notes"] = new ScriptArray(m.Notes.Select(n => (object)escape(n))),
            ["links"] = m.Links is { } l
                ? new ScriptObject
                {
                    ["view"] = escape(l.View),
                    ["silence_1h"] = escape(l.Silence1h),
                    ["silence_4h"] = escape(l.Silence4h),
                    ["silence_24h"] = escape(l.Silence24h),
                    ["acknowledge"] = escape(l.Acknowledge),
                }
                : null,
            ["language"] = m.Language,
            ["time_zone"] = m.TimeZone,
            ["count"] = m.Count,
            ["firing_count"] = m.FiringCount,
            ["resolved_count"] = m.ResolvedCount,
            ["alertname"] = escape(m.AlertName),
            ["severity"] = escape(m.Severity),
            ["summary"] = escape(m.Summary),
            ["description"] = escape(m.Description),
            ["key_labels"] = Labels(m.KeyLabels, escape),
            ["starts_at"] = m.StartsAt.UtcDateTime,
            ["starts_at_text"] = m.StartsAtText,
        };
    }

    private static ScriptObject Alert(TemplateAlert a, Func<string, string> escape) => new()
    {
        ["status"] = a.Status,
        ["labels"] = Labels(a.Labels, escape),
        ["annotations"] = Labels(a.Annotations, escape),
        ["starts_at"] = a.StartsAt.UtcDateTime,
        ["ends_at"] = a.EndsAt?.UtcDateTime,
        ["generator_url"] = escape(a.GeneratorUrl),
        ["fingerprint"] = a.Fingerprint,
        ["dashboard_url"] = Optional(a.DashboardUrl, escape),
        ["panel_url"] = Optional(a.PanelUrl, escape),
        ["value_string"] = Optional(a.ValueString, escape),
        ["name"] = escape(a.Name),
        ["severity"] = escape(a.Severity),
        ["summary"] = escape(a.Summary),
        ["description"] = escape(a.Description),
        ["unique_labels"] = Labels(a.UniqueLabels, escape),
        ["starts_at_text"] = a.StartsAtText,
        ["ends_at_text"] = a.EndsAtText,
        ["duration"] = a.Duration,
    };

    private static string? Optional(string? s, Func<string, string> escape) => s is null ? null : escape(s);

    // Names are escaped too: label names are restricted, annotation names are not.
    private static ScriptObject Labels(LabelSet set, Func<string, string> escape)
    {
        var o = new ScriptObject();
        foreach (var (name, value) in set)
        {
            o[escape(name)] = escape(value);
        }
        return o;
    }

    private static ScriptArray Array(IEnumerable<ScriptObject> items)
    {
        var array = new ScriptArray();
        foreach (var item in items)
        {
            array.Add(item);
        }
        return array;
    }
}

/// <summary>How alert data is escaped before a template sees it: as the template's channel declares.</summary>
internal static class TemplateEscaping
{
    /// <summary>
    /// <c>html.escape</c> in HTML templates: the data is escaped already, so escaping again would show
    /// <c>&amp;lt;</c>. Decoding first makes it idempotent; text the template writes itself is still escaped.
    /// </summary>
    public static string? IdempotentHtmlEscape(string? s) => s is null ? null : WebUtility.HtmlEncode(WebUtility.HtmlDecode(s));
}
