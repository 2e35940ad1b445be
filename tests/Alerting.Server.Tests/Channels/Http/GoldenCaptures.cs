using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Infrastructure;
using WireMock.Logging;

namespace Alerting.Channels.Http;

/// <summary>One request Alertmanager 0.25 made, as captured in a golden file.</summary>
internal sealed record CapturedRequest(string Method, string Path, IReadOnlyList<(string Name, string Value)> Query, IReadOnlyDictionary<string, string> Headers, JsonNode? Body, JsonObject? Wire);

/// <summary>
/// The requests Alertmanager 0.25 made to each receiver kind for one alert set (<c>tests/reference/alertmanager-0.25/integrations</c>),
/// that alert set as our dispatcher hands it over, and a field-by-field comparison.
/// </summary>
internal static partial class GoldenCaptures
{
    /// <summary>The <c>--web.external-url</c> of the capture, which the files show as <c>&lt;EXTERNAL_URL&gt;</c>.</summary>
    public const string ExternalUrl = "http://127.0.0.1:19100";

    public static string Folder { get; } = Path.Combine(TestEnvironment.SharedReference, "alertmanager-0.25", "integrations");

    private static readonly DateTimeOffset Start = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<CapturedRequest> Requests(string capture, string phase)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, $"{capture}.{phase}.json")))!;
        return [.. root["requests"]!.AsArray().Select(r => new CapturedRequest(
            (string)r!["method"]!,
            (string)r["path"]!,
            [.. r["query"]!.AsArray().Select(q => ((string)q![0]!, (string)q[1]!))],
            r["headers"]!.AsObject().ToDictionary(h => h.Key, h => (string)h.Value!, StringComparer.OrdinalIgnoreCase),
            r["body_json"]?.DeepClone(),
            r["body_json_wire"]?.DeepClone().AsObject()))];
    }

    /// <summary>
    /// alerts.json as the capture's receiver got it: both alerts with <c>integration=&lt;capture&gt;</c>, grouped by
    /// alertname; firing, or resolved a minute before <paramref name="resolved"/>'s send.
    /// </summary>
    public static NotificationData Data(string capture, bool resolved)
    {
        var set = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "alerts.json")))!;
        var now = Start.AddMinutes(10);
        var alerts = set["alerts"]!.AsArray().Select(a => new Alert(
            LabelSet.From([.. a!["labels"]!.AsObject().Select(p => (p.Key, (string)p.Value!)), ("integration", capture)]),
            LabelSet.From([.. a["annotations"]!.AsObject().Select(p => (p.Key, (string)p.Value!))]),
            Start,
            resolved ? now.AddMinutes(-1) : now.AddMinutes(5),
            (string)a["generatorURL"]!,
            now,
            false)).ToList();
        var groupLabels = LabelSet.From(("alertname", "HighRequestLatency"));
        return NotificationData.Create(capture, $"{{}}/{{integration=\"{capture}\"}}:{{alertname=\"HighRequestLatency\"}}", groupLabels, alerts, ExternalUrl, now);
    }

    /// <summary>Method, path, query, the headers that are Alertmanager's own choice, and the body, field by field and byte by byte.</summary>
    public static void AssertRequest(CapturedRequest expected, ILogEntry actual)
    {
        var request = actual.RequestMessage;
        Assert.Equal(expected.Method, request.Method);
        Assert.Equal(expected.Path, request.Path);
        var query = request.Query?.SelectMany(q => q.Value.Select(v => (q.Key, v))).ToList() ?? [];
        Assert.Equal(expected.Query.Select(q => $"{q.Name}={q.Value}"), query.Select(q => $"{q.Key}={q.v}"));
        foreach (var name in (string[])["Content-Type", "User-Agent", "Authorization", "Content-Length", "Accept-Encoding"])
        {
            Assert.Equal(expected.Headers.GetValueOrDefault(name), actual.Header(name));
        }
        if (expected.Body is not null)
        {
            AssertBody(expected, request.Body ?? "");
        }
    }

    /// <summary>
    /// The parsed body equals the golden one (our external URL shown as the placeholder), and the wire form agrees:
    /// escapes used, key order of every object, non-ASCII kept raw or not, the trailing newline, no whitespace.
    /// </summary>
    public static void AssertBody(CapturedRequest expected, string body)
    {
        var ours = JsonNode.Parse(body.Replace(ExternalUrl, "<EXTERNAL_URL>", StringComparison.Ordinal));
        Assert.True(JsonNode.DeepEquals(expected.Body, ours), $"body differs:\nexpected {expected.Body!.ToJsonString()}\nactual   {ours!.ToJsonString()}");
        var wire = expected.Wire!;
        Assert.Equal(wire["escapes"]!.AsArray().Select(e => (string)e!).Order(StringComparer.Ordinal), Escapes(body));
        Assert.Equal(
            wire["key_order_unsorted_objects"]!.AsObject().Select(p => $"{p.Key}: {(string)p.Value!}").Order(StringComparer.Ordinal),
            UnsortedObjects(body).Select(p => $"{p.Key}: {p.Value}").Order(StringComparer.Ordinal));
        Assert.Equal((bool)wire["raw_non_ascii"]!, body.Any(c => c > 0x7f));
        Assert.Equal((bool)wire["trailing_newline"]!, body.EndsWith('\n'));
        Assert.Equal((int)wire["whitespace_outside_strings"]!, WhitespaceOutsideStrings(body.TrimEnd('\n')));
    }

    [GeneratedRegex(@"\\(?:u[0-9a-fA-F]{4}|[""\\/bfnrt])")]
    private static partial Regex Escape();

    private static IEnumerable<string> Escapes(string body) =>
        Escape().Matches(body).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal);

    /// <summary>The objects whose keys are not in sorted order, by path (<c>$.embeds[*]</c>), with their keys as written.</summary>
    private static Dictionary<string, string> UnsortedObjects(string body)
    {
        var result = new Dictionary<string, string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body));
        var path = new Stack<(string Path, bool IsObject, List<string> Keys)>();
        string? pending = null;
        while (reader.Read())
        {
            var here = path.Count == 0 ? "$" : path.Peek().IsObject ? $"{path.Peek().Path}.{pending}" : $"{path.Peek().Path}[*]";
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pending = reader.GetString();
                    path.Peek().Keys.Add(pending!);
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    path.Push((here, reader.TokenType == JsonTokenType.StartObject, []));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    var done = path.Pop();
                    if (done.IsObject && !done.Keys.SequenceEqual(done.Keys.Order(StringComparer.Ordinal)))
                    {
                        result[done.Path] = string.Join(',', done.Keys);
                    }
                    break;
            }
        }
        return result;
    }

    private static int WhitespaceOutsideStrings(string body)
    {
        var count = 0;
        var inString = false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                count++;
            }
        }
        return count;
    }
}
