using Alerting.Configuration;
using Microsoft.AspNetCore.Mvc;

namespace Alerting.Ui.Pages;

/// <summary>Version, uptime, the instances sharing the database, the running configuration (secrets hidden) and its reload.</summary>
internal sealed class StatusModel(InstanceInfo instance, ConfigHolder config, UiData data) : UiPageModel
{
    public InstanceInfo Instance => instance;

    public ConfigHolder Config => config;

    public List<UiInstance> Instances { get; private set; } = [];

    public string? Notice { get; private set; }

    public bool NoticeIsError { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        if (done == "reloaded")
        {
            Notice = T["Configuration reloaded."];
        }
        else if (done == "refused")
        {
            Notice = T["The reload was refused; the running configuration stays."] + " " + config.LastReloadError;
            NoticeIsError = true;
        }
        Instances = await data.InstancesAsync(ct);
    }

    public async Task<IActionResult> OnPostReloadAsync()
    {
        var error = await config.ReloadAsync();
        return Redirect(Href($"status?done={(error is null ? "reloaded" : "refused")}"));
    }
}
