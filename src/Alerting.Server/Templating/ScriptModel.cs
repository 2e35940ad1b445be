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
    public static ScriptObject Build(TemplateModel m, ChannelTemplate template)
    {
        var escape = template.Escape;
        var url = template.Url;
        var alerts = m.Alerts.Select(a => (a.IsFiring, Object: Alert(a, escape, url))).ToList();
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
            ["external_url"] = url(m.ExternalUrl),
            ["group_key"] = escape(m.GroupKey),
            ["truncated_alerts"] = m.TruncatedAlerts,
            ["notes"] = new ScriptArray(m.Notes.Select(n => (object)escape(n))),
            ["links"] = m.Links is { } l
                ? new ScriptObject
                {
                    ["view"] = url(l.View),
                    ["silence_1h"] = url(l.Silence1h),
                    ["silence_4h"] = url(l.Silence4h),
                    ["silence_24h"] = url(l.Silence24h),
                    ["acknowledge"] = url(l.Acknowledge),
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

    // URLs from the data are http(s) only (SafeUrl): a javascript: link renders as no link. The link annotations
    // are read raw (before escaping) so the URL is sanitised and escaped as a URL, like generatorURL.
    private static ScriptObject Alert(TemplateAlert a, Func<string, string> escape, Func<string, string> url) => new()
    {
        ["status"] = a.Status,
        ["labels"] = Labels(a.Labels, escape),
        ["annotations"] = Labels(a.Annotations, escape),
        ["starts_at"] = a.StartsAt.UtcDateTime,
        ["ends_at"] = a.EndsAt?.UtcDateTime,
        ["generator_url"] = SafeUrl.Of(a.GeneratorUrl) is { Length: > 0 } source ? url(source) : "",
        ["fingerprint"] = a.Fingerprint,
        ["runbook_url"] = Link(url, a.Annotations.Get("runbook_url"), a.Annotations.Get("runbook")),
        ["dashboard_url"] = Link(url, a.Annotations.Get("dashboard_url"), a.DashboardUrl),
        ["panel_url"] = Optional(SafeUrl.Optional(a.PanelUrl), url),
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

    /// <summary>The first candidate that is a safe http(s) URL, escaped as a URL; null when none is.</summary>
    private static string? Link(Func<string, string> url, params string?[] candidates) =>
        candidates.Select(SafeUrl.Optional).FirstOrDefault(s => s is not null) is { } safe ? url(safe) : null;

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
