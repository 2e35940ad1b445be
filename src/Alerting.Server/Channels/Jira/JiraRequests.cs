using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;

namespace Alerting.Channels.Jira;

/// <summary>The issue fields of one notification, before they are encoded (Alertmanager's issueFields).</summary>
internal sealed record JiraIssueFields(string? Summary, string? Description, string IssueType, IReadOnlyList<string> Labels, string? Priority, string Project)
{
    /// <summary>The description is already JSON (API v3's Atlassian Document Format).</summary>
    public bool RawDescription { get; init; }

    public SortedDictionary<string, object?> Custom { get; init; } = new(GoJsonWriter.KeyOrder);
}

/// <summary>The bodies, paths and JQL of Alertmanager's Jira notifier, byte for byte.</summary>
internal static class JiraRequests
{
    public const int MaxSummaryRunes = 255;
    public const int MaxDescriptionRunes = 32767;

    /// <summary>notify.Key.Hash: the group key's SHA-256 in hex, the issue's <c>ALERT{…}</c> label.</summary>
    public static string GroupHash(string groupKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(groupKey)));

    /// <summary>
    /// The search: issues of the project with the group's label. A firing group with a reopen transition and duration
    /// also finds issues resolved within that many minutes; otherwise only issues not done. Won't-fix ones are left out.
    /// </summary>
    public static string Jql(JiraConfig config, string project, string groupHash, bool firing)
    {
        var jql = new StringBuilder();
        if (config.WontFixResolution.Length > 0)
        {
            jql.Append("(resolution is EMPTY or resolution != ").Append(GoQuote(config.WontFixResolution)).Append(") and ");
        }
        var reopenMinutes = (long)config.ReopenDuration.TotalMinutes;
        if (firing && config.ReopenTransition.Length > 0 && reopenMinutes > 0)
        {
            jql.Append("(resolutiondate is EMPTY OR resolutiondate >= -").Append(reopenMinutes.ToString(CultureInfo.InvariantCulture)).Append("m) and ");
        }
        else
        {
            jql.Append("statusCategory != Done and ");
        }
        jql.Append("project=").Append(GoQuote(project)).Append(" and labels=").Append(GoQuote($"ALERT{{{groupHash}}}"))
            .Append(" order by status ASC,resolutiondate DESC");
        return jql.ToString();
    }

    /// <summary>
    /// Where to search: Jira Cloud's /rest/api/3/search/jql for api_type cloud, or auto on an atlassian.net host;
    /// the older /search (Data Center) otherwise.
    /// </summary>
    public static string SearchUrl(JiraConfig config)
    {
        if (config.ApiType == "cloud" || (config.ApiType == "auto" && GoHost(config.ApiUrl).EndsWith("atlassian.net", StringComparison.Ordinal)))
        {
            var url = GoUrlPath.JoinPath(config.ApiUrl, "/search/jql");
            var at = url.IndexOf("/rest/api/2/", StringComparison.Ordinal);
            return at < 0 ? url : url[..at] + "/rest/api/3/" + url[(at + "/rest/api/2/".Length)..];
        }
        return GoUrlPath.JoinPath(config.ApiUrl, "/search");
    }

    public static string SearchBody(string jql) =>
        new GoJsonWriter().BeginObject().Name("fields").BeginArray().String("status").EndArray().Property("jql", jql).Name("maxResults").Raw("2").EndObject().ToEncoderOutput();

    public static string TransitionBody(string id) =>
        new GoJsonWriter().BeginObject().Name("transition").BeginObject().PropertyOmitEmpty("id", id).EndObject().EndObject().ToEncoderOutput();

    /// <summary>isAPIv3Path: the API URL's path ends in /3.</summary>
    public static bool IsApiV3(string apiUrl)
    {
        var path = new Uri(apiUrl).AbsolutePath.TrimEnd('/');
        return path.EndsWith("/3", StringComparison.Ordinal);
    }

    /// <summary>
    /// prepareIssueRequestBody: the fields rendered in Alertmanager's order, summary and description cut to Jira's
    /// limits, the labels with the group's label sorted. Null (the expander or <paramref name="error"/> says why) on failure.
    /// </summary>
    public static JiraIssueFields? Fields(JiraConfig config, TemplateExpander tmpl, string groupHash, out string? error)
    {
        error = null;
        var summary = tmpl.Text(config.Summary.Template);
        var project = tmpl.Text(config.Project);
        var issueType = tmpl.Text(config.IssueType);
        var custom = new SortedDictionary<string, object?>(GoJsonWriter.KeyOrder);
        foreach (var (key, value) in config.Fields)
        {
            custom[key] = JiraJson.Render(value, tmpl);
        }
        summary = Truncation.TruncateInRunes(summary, MaxSummaryRunes).Text;
        var description = Truncation.TruncateInRunes(tmpl.Text(config.Description.Template), MaxDescriptionRunes).Text;
        var raw = IsApiV3(config.ApiUrl);
        if (raw)
        {
            description = description.Trim();
            if (description.Length > 0 && tmpl.Error is null && !JiraJson.Valid(description))
            {
                error = "description template: invalid JSON for API v3";
                return null;
            }
        }
        var labels = config.Labels.Select(tmpl.Text).Append($"ALERT{{{groupHash}}}").Order(GoJsonWriter.KeyOrder).ToList();
        var priority = tmpl.Text(config.Priority);
        if (tmpl.Error is { } failed)
        {
            error = failed.Message;
            return null;
        }
        return new JiraIssueFields(summary, description.Length > 0 ? description : null, issueType, labels, priority.Length > 0 ? priority : null, project)
        {
            RawDescription = raw,
            Custom = custom,
        };
    }

    /// <summary>The issue body: <c>{"fields":{…}}</c>, every field and custom field in one map, keys in byte order.</summary>
    public static string IssueBody(JiraIssueFields fields)
    {
        var members = new SortedDictionary<string, string>(GoJsonWriter.KeyOrder);
        if (fields.Summary is { } summary)
        {
            members["summary"] = JiraJson.Encode(summary);
        }
        if (fields.Description is { } description)
        {
            members["description"] = fields.RawDescription ? JiraJson.Compact(description) : JiraJson.Encode(description);
        }
        members["issuetype"] = new GoJsonWriter().BeginObject().PropertyOmitEmpty("name", fields.IssueType).EndObject().ToString();
        members["labels"] = JiraJson.Encode(fields.Labels.Cast<object?>().ToList());
        if (fields.Priority is { } priority)
        {
            members["priority"] = new GoJsonWriter().BeginObject().PropertyOmitEmpty("name", priority).EndObject().ToString();
        }
        members["project"] = new GoJsonWriter().BeginObject().Property("key", fields.Project).EndObject().ToString();
        foreach (var (key, value) in fields.Custom)
        {
            members[key] = JiraJson.Encode(value);
        }
        var json = new GoJsonWriter().BeginObject().Name("fields").BeginObject();
        foreach (var (key, value) in members)
        {
            json.Name(key).Raw(value);
        }
        return json.EndObject().EndObject().ToEncoderOutput();
    }

    /// <summary>Go's %q (strconv.Quote): printable runes as they are, the rest escaped.</summary>
    public static string GoQuote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            switch (v)
            {
                case '"' or '\\':
                    sb.Append('\\').Append((char)v);
                    break;
                case '\a': sb.Append(@"\a"); break;
                case '\b': sb.Append(@"\b"); break;
                case '\f': sb.Append(@"\f"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\v': sb.Append(@"\v"); break;
                case < ' ' or 0x7f:
                    sb.Append(@"\x").Append(v.ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (v == ' ' || (v > 0x7f ? IsPrint(rune) : v > ' '))
                    {
                        sb.Append(rune.ToString());
                    }
                    else
                    {
                        sb.Append(v < 0x10000 ? @"\u" + v.ToString("x4", CultureInfo.InvariantCulture) : @"\U" + v.ToString("x8", CultureInfo.InvariantCulture));
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>unicode.IsPrint: letters, marks, numbers, punctuation and symbols.</summary>
    private static bool IsPrint(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        >= System.Globalization.UnicodeCategory.UppercaseLetter and <= System.Globalization.UnicodeCategory.OtherNumber => true,
        >= System.Globalization.UnicodeCategory.ConnectorPunctuation and <= System.Globalization.UnicodeCategory.OtherSymbol => true,
        _ => false,
    };

    /// <summary>url.URL.Host as written: the authority after any userinfo, port included.</summary>
    private static string GoHost(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? url[start..] : url[start..end];
        return authority[(authority.LastIndexOf('@') + 1)..];
    }
}
