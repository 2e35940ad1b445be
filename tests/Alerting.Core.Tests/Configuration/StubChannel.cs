namespace Alerting.Core.Configuration;

/// <summary>
/// Stands in for the host's channels so that the sample files load in Core tests: their receiver entries and
/// <c>global:</c> keys are accepted unread. The server's tests load the same files with the real channels.
/// </summary>
internal sealed class StubChannel(string kind, string globalPrefix) : ChannelReader
{
    public static readonly IReadOnlyList<ChannelReader> ForSamples =
        [new StubChannel("webhook", ""), new StubChannel("email", "smtp_"), new StubChannel("slack", "slack_"), new StubChannel("dingtalk", ""), new StubChannel("telegram", "telegram_"),
            new StubChannel("pagerduty", "pagerduty_"), new StubChannel("opsgenie", "opsgenie_"), new StubChannel("victorops", "victorops_"),
            new StubChannel("pushover", ""), new StubChannel("sns", "")];

    public override string Kind => kind;

    public override object? ReadGlobal(MapReader? global)
    {
        foreach (var key in global?.Keys.Where(k => globalPrefix.Length > 0 && k.StartsWith(globalPrefix, StringComparison.Ordinal)).ToList() ?? [])
        {
            global!.Ignore(key);
        }
        return null;
    }

    // Not finished, so nothing in the entry is checked.
    public override IntegrationConfig? Read(MapReader entry, GlobalConfig global) => null;
}
