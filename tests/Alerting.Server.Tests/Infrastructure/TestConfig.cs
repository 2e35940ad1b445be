using Alerting.Channels;
using Alerting.Core.Configuration;
using Alerting.Core.Matching;

namespace Alerting.Infrastructure;

/// <summary>Loads configurations as the service does: with the registered channels.</summary>
internal static class TestConfig
{
    /// <summary>Loads YAML text; <paramref name="syntax"/> defaults to Alertmanager's default mode (UTF-8 names, fallback parsing).</summary>
    public static AlertingConfig Load(string yaml, string fileName, MatcherSyntax? syntax = null) => ConfigLoader.Load(yaml, fileName, ChannelRegistry.All, syntax);

    public static AlertingConfig LoadFile(string path) => ConfigLoader.LoadFile(path, ChannelRegistry.All);

    /// <summary>A receiver's integrations of one channel, in file order.</summary>
    public static IReadOnlyList<T> Integrations<T>(this ReceiverConfig receiver)
        where T : IntegrationConfig => [.. receiver.Integrations.OfType<T>()];

    /// <summary>
    /// The configuration most tests need: everything routed to one receiver, <c>hook</c>, with one webhook, and the
    /// timers given. <paramref name="routes"/> (indented list items) become the root's child routes; <paramref name="extra"/>
    /// is appended as top-level YAML; a null <paramref name="resolveTimeout"/> leaves out the <c>global:</c> section.
    /// </summary>
    public static string Webhook(string url, string groupBy = "[alertname]", string groupWait = "0s", string groupInterval = "1s",
        string? repeat = "1h", string? resolveTimeout = "5m", string routes = "", string extra = "")
    {
        var global = resolveTimeout is null ? "" : $"global:\n  resolve_timeout: {resolveTimeout}\n";
        var repeatLine = repeat is null ? "" : $"\n  repeat_interval: {repeat}";
        var children = routes.Length == 0 ? "" : $"\n  routes:\n{routes.TrimEnd()}";
        return $"""
            {global}route:
              receiver: hook
              group_by: {groupBy}
              group_wait: {groupWait}
              group_interval: {groupInterval}{repeatLine}{children}
            receivers:
              - name: hook
                webhook_configs:
                  - url: {url}
            {extra}
            """;
    }
}
