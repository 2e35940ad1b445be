using Alerting.Channels.Http;
using Alerting.Core.Notifications;

namespace Alerting.Channels.Opsgenie;

/// <summary>One request of an Opsgenie notification: method, absolute URL and JSON body.</summary>
internal sealed record OpsgenieRequest(HttpMethod Method, string Url, string Body);

/// <summary>The requests of one notification and whether the message was cut to fit.</summary>
internal sealed record OpsgenieRequests(IReadOnlyList<OpsgenieRequest> Requests, bool TruncatedMessage);

/// <summary>
/// Alertmanager's createRequests: a firing group creates the alert (alias = hash of the group key), and with
/// update_alerts also sets its message and description; a resolved group closes it by alias. Bodies are Go's
/// encoding of its structs, in their field order.
/// </summary>
internal static class OpsgenieMessage
{
    /// <summary>Opsgenie's limit for the message, in runes.</summary>
    public const int MaxMessageRunes = 130;

    public static OpsgenieRequests Build(OpsgenieConfig config, NotificationData data, Func<string, string> tmpl)
    {
        var details = new List<KeyValuePair<string, string>>(data.CommonLabels);
        details.AddRange(config.Details.Select(d => new KeyValuePair<string, string>(d.Key, tmpl(d.Value))));
        var alias = GroupKeyHash.Hash(data.GroupKey);

        if (data.Status == NotificationStatus.Resolved)
        {
            var close = new GoJsonWriter().BeginObject().Property("source", tmpl(config.Source)).EndObject().ToEncoderOutput();
            return new([new(HttpMethod.Post, Endpoint(config.ApiUrl, $"v2/alerts/{alias}/close", byAlias: true), close)], false);
        }

        var (message, truncated) = Truncation.TruncateInRunes(tmpl(config.Message), MaxMessageRunes);
        var responders = Responders(config, tmpl);
        var description = tmpl(config.Description);
        var source = tmpl(config.Source);
        var tags = SafeSplit(tmpl(config.Tags));
        var note = tmpl(config.Note);
        var priority = tmpl(config.Priority);
        var entity = tmpl(config.Entity);
        var actions = SafeSplit(tmpl(config.Actions));

        var json = new GoJsonWriter().BeginObject()
            .Property("alias", alias)
            .Property("message", message)
            .PropertyOmitEmpty("description", description)
            .Name("details").StringMap(details)
            .Property("source", source);
        if (responders.Count > 0)
        {
            json.Name("responders").BeginArray();
            foreach (var r in responders)
            {
                json.BeginObject().PropertyOmitEmpty("id", r.Id).PropertyOmitEmpty("name", r.Name)
                    .PropertyOmitEmpty("username", r.Username).Property("type", r.Type).EndObject();
            }
            json.EndArray();
        }
        StringList(json, "tags", tags);
        json.PropertyOmitEmpty("note", note).PropertyOmitEmpty("priority", priority).PropertyOmitEmpty("entity", entity);
        StringList(json, "actions", actions);
        var requests = new List<OpsgenieRequest> { new(HttpMethod.Post, Endpoint(config.ApiUrl, "v2/alerts", byAlias: false), json.EndObject().ToEncoderOutput()) };

        if (config.UpdateAlerts)
        {
            requests.Add(new(HttpMethod.Put, Endpoint(config.ApiUrl, $"v2/alerts/{alias}/message", byAlias: true),
                new GoJsonWriter().BeginObject().PropertyOmitEmpty("message", message).EndObject().ToEncoderOutput()));
            requests.Add(new(HttpMethod.Put, Endpoint(config.ApiUrl, $"v2/alerts/{alias}/description", byAlias: true),
                new GoJsonWriter().BeginObject().PropertyOmitEmpty("description", description).EndObject().ToEncoderOutput()));
        }
        return new(requests, truncated);
    }

    /// <summary>
    /// Each responder templated; one with every part empty is dropped (so responders can come from labels), and
    /// type <c>teams</c> becomes one team per comma-separated name, each name templated once more.
    /// </summary>
    private static List<OpsgenieResponder> Responders(OpsgenieConfig config, Func<string, string> tmpl)
    {
        var result = new List<OpsgenieResponder>();
        foreach (var r in config.Responders)
        {
            var responder = new OpsgenieResponder(tmpl(r.Id), tmpl(r.Name), tmpl(r.Username), tmpl(r.Type));
            if (responder is { Id: "", Name: "", Username: "", Type: "" })
            {
                continue;
            }
            if (responder.Type == "teams")
            {
                result.AddRange(SafeSplit(responder.Name).Select(team => new OpsgenieResponder("", tmpl(team), "", tmpl("team"))));
                continue;
            }
            result.Add(responder);
        }
        return result;
    }

    private static void StringList(GoJsonWriter json, string name, List<string> items)
    {
        if (items.Count == 0)
        {
            return; // omitempty
        }
        json.Name(name).BeginArray();
        foreach (var item in items)
        {
            json.String(item);
        }
        json.EndArray();
    }

    /// <summary>Alertmanager's safeSplit: split the trimmed text at commas, drop empty items (others keep their spaces).</summary>
    internal static List<string> SafeSplit(string s) => [.. s.Trim().Split(',').Where(x => x.Length > 0)];

    /// <summary>The API URL with <paramref name="path"/> appended and, for alias requests, identifierType=alias in the query.</summary>
    internal static string Endpoint(string apiUrl, string path, bool byAlias)
    {
        var q = apiUrl.IndexOf('?', StringComparison.Ordinal);
        var (head, query) = q < 0 ? (apiUrl, "") : (apiUrl[..q], apiUrl[(q + 1)..]);
        var hash = query.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            query = query[..hash];
        }
        if (byAlias)
        {
            var values = new GoUrlValues();
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                values.Add(Unescape(eq < 0 ? pair : pair[..eq]), Unescape(eq < 0 ? "" : pair[(eq + 1)..]));
            }
            values.Set("identifierType", "alias");
            query = values.Encode();
        }
        return head + path + (query.Length > 0 ? "?" + query : "");
    }

    private static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}
