using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Alerting.Channels;
using Alerting.Core.Infrastructure;
using Alerting.Infrastructure;
using Alerting.Metrics;
using Xunit.Abstractions;

namespace Alerting.Templating;

/// <summary>
/// Mutated template data (the webhook payload the preview takes, which is what alerts become in a message): it
/// is refused with <see cref="TemplateInputException"/>, or every default template renders it without error.
/// A default template that fails on some data would fall back to plain text in a real message.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class TemplateDataFuzzTests(ITestOutputHelper output)
{
    private const string AlertList = """
        [{"status":"firing","labels":{"alertname":"Latency","service":"api","severity":"warning"},
          "annotations":{"summary":"p99 above 2 s","description":"<b>bold</b> & *stars* _under_ `code` [link](http://x)"},
          "startsAt":"2025-05-01T11:00:00+08:00","generatorURL":"http://prometheus:9090/graph"},
         {"labels":{"alertname":"Latency","service":"web"},"endsAt":"2025-05-01T12:10:00Z"}]
        """;

    private static readonly string?[] s_languages = ["en", "zh-CN", null, "zh", "xx-YY"];

    private static readonly string?[] s_zones = [null, "Asia/Shanghai", "America/St_Johns", "Pacific/Kiritimati", "Etc/GMT+12"];

    [Fact]
    public void Mutated_data_is_refused_or_renders_with_every_default_template()
    {
        var (seed, cases) = (Mutator.Seed, Mutator.Cases);
        var renderer = TemplateTestData.Renderer(new AlertingMetrics());
        string[] seeds = [TemplatePreview.ExamplePayload, AlertList];
        var clock = Stopwatch.StartNew();
        int notJson = 0, refused = 0, rendered = 0;
        var failures = new ConcurrentBag<string>();
        Parallel.For(0, cases, i =>
        {
            var mutator = new Mutator(seed, i);
            var json = mutator.MutateJson(mutator.Pick(seeds));
            var language = mutator.Pick(s_languages);
            var zone = mutator.Pick(s_zones);
            JsonElement data;
            try
            {
                using var doc = JsonDocument.Parse(json);
                data = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                Interlocked.Increment(ref notJson); // the HTTP preview answers 400 before this point
                return;
            }
            try
            {
                var model = TemplatePreview.Model(data, language, zone, TemplatePreview.ExampleNow, TemplateTestData.ExternalUrl);
                foreach (var name in ChannelRegistry.Templates.Names)
                {
                    var result = renderer.TryRender(renderer.Find(name, language)!, model);
                    if (result.Error is { } error)
                    {
                        failures.Add($"case {i} ({language}, {zone}): {name}: {error}\n  data: {Mutator.Shorten(json, 300)}");
                    }
                    else if (string.IsNullOrWhiteSpace(result.Text))
                    {
                        failures.Add($"case {i} ({language}, {zone}): {name} rendered nothing\n  data: {Mutator.Shorten(json, 300)}");
                    }
                }
                Interlocked.Increment(ref rendered);
            }
            catch (TemplateInputException)
            {
                Interlocked.Increment(ref refused);
            }
            catch (Exception e)
            {
                failures.Add($"case {i} ({language}, {zone}): {e.GetType().Name}: {e.Message}\n  data: {Mutator.Shorten(json, 300)}\n{e.StackTrace}");
            }
        });
        output.WriteLine($"fuzz template data (seed {seed}): {cases} cases, {notJson} not JSON, {refused} refused with TemplateInputException, "
            + $"{rendered} rendered with all {ChannelRegistry.Templates.Names.Count} default templates, {failures.Count} failures, {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var kind in failures.GroupBy(f => f.Split('\n')[0][(f.IndexOf(')', StringComparison.Ordinal) + 1)..]).OrderByDescending(g => g.Count()).Take(20))
        {
            output.WriteLine($"  {kind.Count()} x{kind.Key}");
        }
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        Assert.True(rendered > 0 && refused > 0, "the mutations should produce both usable and unusable data");
    }
}
