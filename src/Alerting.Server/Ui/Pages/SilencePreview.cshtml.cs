using System.Text.RegularExpressions;
using Alerting.Core.Matching;

namespace Alerting.Ui.Pages;

internal sealed record SilencePreviewView(UiText T, string? Error, List<UiAlert>? Alerts);

/// <summary>The live preview behind the silence editor: an HTML fragment of the alerts some matchers would mute.</summary>
internal sealed class SilencePreviewModel(UiData data) : UiPageModel
{
    public SilencePreviewView View { get; private set; } = null!;

    public async Task OnGetAsync(string? matchers, CancellationToken ct)
    {
        try
        {
            var parsed = data.Syntax.ParseMatchers((matchers ?? "").Trim(), "web");
            View = parsed.Count == 0
                ? new SilencePreviewView(T, T["Give at least one matcher, e.g. alertname=\"DiskFull\"."], null)
                : new SilencePreviewView(T, null, [.. (await data.AlertsAsync(resolved: false, ct)).Where(a => parsed.Matches(a.Alert.Labels))]);
        }
        catch (MatcherException e)
        {
            View = new SilencePreviewView(T, e.Message, null);
        }
        catch (RegexMatchTimeoutException)
        {
            View = new SilencePreviewView(T, T["A regular expression took too long to match."], null);
        }
    }
}
