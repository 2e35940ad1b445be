using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerting.Templating;

namespace Alerting.Channels.Http;

/// <summary>
/// Where we send something other than Alertmanager 0.25 on purpose, applied to a capture: the golden tests then
/// prove that everything else is the same. Each difference is listed in docs/compatibility.md.
/// </summary>
internal static partial class GoldenDifferences
{
    /// <summary>The capture's request as we send it.</summary>
    public static CapturedRequest Ours(string capture, CapturedRequest expected) => capture switch
    {
        "telegram-mdv2" => TelegramMarkdownV2(expected),
        _ => expected,
    };

    /// <summary>
    /// MarkdownV2 text: the data (label and annotation values, generatorURL) is escaped by Telegram's rules, which
    /// Telegram requires (a bare <c>.</c> or <c>-</c> is refused); the template's own text is as Alertmanager wrote it.
    /// </summary>
    private static CapturedRequest TelegramMarkdownV2(CapturedRequest expected)
    {
        var body = expected.Body!.DeepClone().AsObject();
        var text = (string)body["text"]!;
        var escaped = string.Join('\n', text.Split('\n').Select(line =>
            Pair().Match(line) is { Success: true } m ? m.Groups[1].Value + ChatText.TelegramMarkdownV2(m.Groups[2].Value)
            : line.StartsWith("Source: ", StringComparison.Ordinal) ? "Source: " + ChatText.TelegramMarkdownV2(line["Source: ".Length..])
            : line));
        body["text"] = escaped;
        // Each backslash added is two bytes in JSON ("\\").
        var added = escaped.Count(c => c == '\\') - text.Count(c => c == '\\');
        var headers = new Dictionary<string, string>(expected.Headers, StringComparer.OrdinalIgnoreCase);
        headers["Content-Length"] = (int.Parse(headers["Content-Length"], System.Globalization.CultureInfo.InvariantCulture) + 2 * added).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var wire = expected.Wire!.DeepClone().AsObject();
        if (added > 0)
        {
            wire["escapes"] = new JsonArray([.. wire["escapes"]!.AsArray().Select(e => (string)e!).Append("\\\\").Distinct().Select(e => (JsonNode)e!)]);
        }
        return expected with { Body = body, Headers = headers, Wire = wire };
    }

    [GeneratedRegex("^( - [A-Za-z_][A-Za-z0-9_]* = )(.*)$")]
    private static partial Regex Pair();
}
