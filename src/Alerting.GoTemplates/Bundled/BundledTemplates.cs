using System.Reflection;

namespace Alerting.GoTemplates;

/// <summary>
/// Alertmanager 0.25's default.tmpl and email.tmpl, embedded byte for byte, and the definitions default.tmpl gained
/// up to 0.34 for the receivers added since (Teams, Jira, Rocket.Chat, Mattermost; see NOTICE).
/// </summary>
internal static class BundledTemplates
{
    public static IReadOnlyList<(string Name, string Text)> All { get; } = [Read("default.tmpl"), Read("after-0.25.tmpl"), Read("email.tmpl")];

    /// <summary>prometheus-webhook-dingtalk v2.1.0's default.tmpl (default.*, legacy.*, ding.link.*), for the sprig set only.</summary>
    public static (string Name, string Text) WebhookDingtalk { get; } = Read("webhook-dingtalk.tmpl");

    private static (string Name, string Text) Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Alerting.GoTemplates.Bundled." + name)
            ?? throw new InvalidOperationException("missing embedded template " + name);
        using var reader = new StreamReader(stream);
        return (name, reader.ReadToEnd());
    }
}
