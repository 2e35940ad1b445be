using System.Diagnostics;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.EndToEnd;

/// <summary>Unmodified amtool (Debian's prometheus-alertmanager) against a running instance.</summary>
public sealed class AmtoolTests(ITestOutputHelper output)
{
    [RequiresToolFact("amtool")]
    public async Task Amtool_alerts_and_silences_round_trip()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var url = host.BaseAddress.ToString().TrimEnd('/');

        await Amtool(url, "alert", "add", "AmtoolProbe", "severity=warning", "instance=probe-1", "--annotation=summary=amtool-probe", "--generator-url=http://127.0.0.1/probe");
        await Amtool(url, "alert", "add", "alertname=AmtoolProbe2", "severity=critical");

        // The test config inhibits warnings while a critical alert fires in the same cluster.
        var all = await Amtool(url, "alert", "query");
        Assert.Contains("AmtoolProbe2", all);
        Assert.DoesNotContain("AmtoolProbe ", all);
        Assert.Contains("AmtoolProbe ", await Amtool(url, "alert", "query", "-i"));
        await Amtool(url, "alert", "add", "alertname=AmtoolProbe2", "severity=critical", "--end=" + DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ"));
        Assert.Contains("AmtoolProbe ", await Amtool(url, "alert", "query"));

        var one = JsonNode.Parse(await Amtool(url, "-o", "json", "alert", "query", "alertname=AmtoolProbe"))!.AsArray();
        var probe = Assert.Single(one)!;
        Assert.Equal("probe-1", (string)probe["labels"]!["instance"]!);
        Assert.Equal("amtool-probe", (string)probe["annotations"]!["summary"]!);
        Assert.Equal("http://127.0.0.1/probe", (string)probe["generatorURL"]!);

        await Amtool(url, "alert", "add", "alertname=AmtoolProbe3", "severity=info");
        var regex = await Amtool(url, "alert", "query", "alertname=~Amtool.*");
        Assert.Contains("AmtoolProbe3", regex);

        var id = (await Amtool(url, "silence", "add", "alertname=AmtoolProbe", "-c", "e2e test", "-a", "tester", "-d", "1h")).Trim();
        Assert.True(Guid.TryParse(id, out _), $"silence add printed \"{id}\"");

        Assert.Contains(id, await Amtool(url, "silence", "query"));
        Assert.Contains(id, await Amtool(url, "silence", "query", "alertname=AmtoolProbe"));
        // The silenced alert now shows only when silenced alerts are asked for.
        Assert.DoesNotContain("AmtoolProbe ", await Amtool(url, "alert", "query", "alertname=AmtoolProbe"));
        Assert.Contains("AmtoolProbe", await Amtool(url, "alert", "query", "-s", "alertname=AmtoolProbe"));

        // Extending an active silence keeps its id (updated in place, not replaced).
        var updated = await Amtool(url, "silence", "update", id, "-d", "3h", "-c", "updated");
        Assert.Contains(id, updated);
        Assert.Contains("updated", updated);

        await Amtool(url, "silence", "expire", id);
        Assert.DoesNotContain(id, await Amtool(url, "silence", "query", "-q"));
        Assert.Contains(id, await Amtool(url, "silence", "query", "--expired"));

        var routes = await Amtool(url, "config", "routes");
        Assert.Contains("default", routes);
        Assert.Contains("db", routes);
        output.WriteLine(routes);
    }

    private async Task<string> Amtool(string url, params string[] args)
    {
        var psi = new ProcessStartInfo(Tools.Require("amtool"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add($"--alertmanager.url={url}");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        output.WriteLine($"$ amtool {string.Join(' ', args)}\n{await stdout}{await stderr}");
        Assert.True(process.ExitCode == 0, $"amtool {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
