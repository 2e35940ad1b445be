using Alerting.Core.Silences;
using Alerting.Persistence;
using Microsoft.AspNetCore.Mvc;

namespace Alerting.Ui.Pages;

/// <summary>Active, pending and expired silences, with how many alerts each mutes now.</summary>
internal sealed class SilencesModel(SilenceStore silences, UiData data) : UiPageModel
{
    public List<Silence> Active { get; } = [];

    public List<Silence> Pending { get; } = [];

    public List<Silence> Expired { get; } = [];

    public Dictionary<Guid, int> Muting { get; } = [];

    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done switch
        {
            "expired" => T["Silence expired."],
            _ => null,
        };
        var all = await silences.ListAsync(ct);
        var alerts = await data.AlertsAsync(resolved: false, ct);
        foreach (var s in all.OrderByDescending(s => s.EndsAt))
        {
            switch (s.State(Now))
            {
                case SilenceState.Active:
                    Active.Add(s);
                    Muting[s.Id] = alerts.Count(a => a.SilencedBy.Any(x => x.Id == s.Id));
                    break;
                case SilenceState.Pending:
                    Pending.Add(s);
                    break;
                default:
                    if (Expired.Count < 100)
                    {
                        Expired.Add(s);
                    }
                    break;
            }
        }
    }

    public async Task<IActionResult> OnPostExpireAsync([FromForm] Guid id, CancellationToken ct)
    {
        if (!await silences.ExpireAsync(id, ct))
        {
            return NotFound();
        }
        return Redirect(Href("silences?done=expired"));
    }
}
