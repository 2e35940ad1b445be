using Alerting.Channels;
using Alerting.Persistence;

namespace Alerting.Ui.Pages;

internal sealed record AttemptsView(UiText T, NotificationsModel Page, List<StoredAttempt> Rows, string Css);

/// <summary>Who was told what and when: failures first, then every send; and each destination's health.</summary>
internal sealed class NotificationsModel(UiData data, HistoryReader history) : UiPageModel
{
    public static readonly string[] Channels = [.. ChannelRegistry.All.Select(c => c.Kind)];

    public string Receiver { get; private set; } = "";

    public string Channel { get; private set; } = "";

    public List<StoredAttempt> Failures { get; private set; } = [];

    public List<StoredAttempt> Sends { get; private set; } = [];

    public List<UiDestination> Destinations { get; private set; } = [];

    public IEnumerable<string> ReceiverNames => Runtime.Config.Receivers.Select(r => r.Name);

    public async Task OnGetAsync(string? receiver, string? channel, CancellationToken ct)
    {
        Receiver = ReceiverNames.Contains(receiver) ? receiver! : "";
        Channel = Channels.Contains(channel) ? channel! : "";
        var r = Receiver.Length > 0 ? Receiver : null;
        var c = Channel.Length > 0 ? Channel : null;
        Failures = await history.AttemptsAsync(new HistoryQuery(100, NewestFirst: true, Receiver: r, Channel: c, FailuresOnly: true, Since: Now - TimeSpan.FromDays(1)), ct);
        Sends = await history.AttemptsAsync(new HistoryQuery(200, NewestFirst: true, Receiver: r, Channel: c), ct);
        Destinations = [.. (await data.DestinationsAsync(ct)).Where(d => (r is null || d.Receiver == r) && (c is null || d.Integration.StartsWith(c + "[", StringComparison.Ordinal)))];
    }

    public AttemptsView View(List<StoredAttempt> rows, bool failures) => new(T, this, rows, failures ? "failures" : "sends");

    /// <summary>The destination's state in a few words, from what the store knows.</summary>
    public string Health(UiDestination d) =>
        d.LastOutcome is null ? T["no sends yet"]
        : d.LastOutcome == "success" && d.Pending == 0 ? T["healthy"]
        : d.LastError?.StartsWith("circuit open", StringComparison.Ordinal) == true ? T["circuit breaker open"]
        : d.LastError?.StartsWith("rate limit", StringComparison.Ordinal) == true && d.Pending > 0 ? T["waiting for the rate limit"]
        : d.LastOutcome == "success" ? T["sending"]
        : T["failing"];

    public string HealthCss(UiDestination d) => d.LastOutcome is null or "success" ? "success" : d.Pending > 0 ? "failed" : "retry";
}
