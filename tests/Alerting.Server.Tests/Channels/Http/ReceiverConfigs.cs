using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Channels.Http;

/// <summary>
/// One receiver entry loaded as the service loads it (file "alerting.yml", the entry from line 6), for the tests
/// of a channel's reader and notifier: the config, its masked YAML, or the errors with file, line and field.
/// </summary>
internal static class ReceiverConfigs
{
    /// <summary>The line of the entry's first key in <see cref="Yaml"/>.</summary>
    public const int EntryLine = 6;

    /// <summary>The whole file: <paramref name="global"/> lines (indented two spaces) under <c>global:</c>, and one entry under <c>&lt;kind&gt;_configs</c>.</summary>
    public static string Yaml(string kind, string entry, string global = "")
    {
        var entryLines = entry.Trim('\n').Split('\n');
        var body = string.Join('\n', entryLines.Select((l, i) => (i == 0 ? "      - " : "        ") + l));
        var globalSection = global.Length == 0 ? "" : "global:\n" + string.Join('\n', global.Trim('\n').Split('\n').Select(l => "  " + l)) + "\n";
        return $"route:\n  receiver: r\nreceivers:\n  - name: r\n    {kind}_configs:\n{body}\n{globalSection}";
    }

    public static AlertingConfig LoadFile(string kind, string entry, string global = "") => TestConfig.Load(Yaml(kind, entry, global), "alerting.yml");

    public static T Load<T>(string kind, string entry, string global = "")
        where T : IntegrationConfig => Assert.Single(LoadFile(kind, entry, global).FindReceiver("r")!.Integrations<T>());

    /// <summary>The errors, each as <c>file:line: field: message</c>.</summary>
    public static IReadOnlyList<string> Errors(string kind, string entry, string global = "") =>
        [.. Assert.Throws<ConfigException>(() => LoadFile(kind, entry, global)).Errors.Select(e => e.ToString())];
}
