using System.Collections.Concurrent;
using System.Diagnostics;
using Alerting.Core.Notifications;
using Xunit.Abstractions;

namespace Alerting.GoTemplates.Differential;

/// <summary>
/// Every case of Differential/Cases through our engine and through amtool 0.25: outputs byte for byte, and
/// error messages. Fails when amtool is missing under CI=true.
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    private static readonly string BaseDir = Path.Combine(AppContext.BaseDirectory, "Differential");

    public static IReadOnlyList<TemplateCase> Cases { get; } =
        [.. Directory.GetFiles(Path.Combine(BaseDir, "Cases"), "*.cases").Order(StringComparer.Ordinal).SelectMany(CaseFile.Read)];

    [Fact]
    public void CasesAreManyAndNamedOnce()
    {
        Assert.True(Cases.Count >= 300, $"only {Cases.Count} cases");
        var duplicates = Cases.GroupBy(c => c.ToString()).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public async Task OurRenderingMatchesAmtool()
    {
        var amtool = Amtool.Find();
        if (amtool is null || !File.Exists(Path.Combine(Amtool.DefaultTemplates, "default.tmpl")))
        {
            Assert.False(
                Environment.GetEnvironmentVariable("CI") == "true",
                "amtool 0.25 and /usr/share/prometheus/alertmanager/*.tmpl are needed (Debian package prometheus-alertmanager)");
            output.WriteLine("amtool not installed: the differential comparison did not run");
            return;
        }
        var watch = Stopwatch.StartNew();
        var mismatches = new ConcurrentBag<string>();
        var now = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, _) =>
        {
            var theirs = await Amtool.RenderAsync(amtool, c, BaseDir);
            var ours = Render(c, now);
            if (theirs != ours)
            {
                mismatches.Add($"{c}\n  text:   {c.Text}\n  amtool: {theirs}\n  ours:   {ours}");
            }
        });
        output.WriteLine($"{Cases.Count} cases, {Cases.Count - mismatches.Count} identical, {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(mismatches.IsEmpty, $"{mismatches.Count} of {Cases.Count} cases differ:\n" + string.Join("\n", mismatches.Order()));
    }

    /// <summary>Our engine with the same files as amtool: Alertmanager's two, then the case's.</summary>
    private static Rendered Render(TemplateCase c, DateTimeOffset now)
    {
        try
        {
            var files = new List<TemplateSource>();
            foreach (var name in new[] { "default.tmpl", "email.tmpl" })
            {
                files.Add(new TemplateSource(name, File.ReadAllText(Path.Combine(Amtool.DefaultTemplates, name))));
            }
            files.AddRange(c.Files.Select(f => new TemplateSource(f, File.ReadAllText(Path.Combine(BaseDir, "Files", f)))));
            var set = GoTemplateSet.Load(files);
            NotificationData data = c.Data is null
                ? AmtoolData.Example(now)
                : AmtoolData.FromJson(File.ReadAllText(Path.Combine(BaseDir, "Data", c.Data)));
            return new Rendered(c.Html ? set.ExecuteHtml(c.Text, data) : set.ExecuteText(c.Text, data), null);
        }
        catch (GoTemplateException e)
        {
            return new Rendered(null, e.Message);
        }
    }
}
