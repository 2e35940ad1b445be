using Alerting.Channels;
using Alerting.Core.Alerts;
using Alerting.Core.Configuration;
using Alerting.Core.Inhibition;
using Alerting.Core.Labels;
using Alerting.Core.Matching;
using Alerting.Metrics;
using Alerting.Templating;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Benchmarks;

/// <summary>Fingerprinting a typical node-exporter alert's labels (a new set each time: the fingerprint is cached per set).</summary>
[MemoryDiagnoser]
public class LabelBenchmarks
{
    private readonly KeyValuePair<string, string>[] _pairs =
    [
        new("alertname", "NodeFilesystemSpaceFillingUp"), new("severity", "warning"), new("instance", "db-1.eu1.internal:9100"),
        new("job", "node-exporter"), new("device", "/dev/nvme0n1p2"), new("fstype", "ext4"), new("mountpoint", "/var/lib/postgresql"),
        new("cluster", "eu1"), new("namespace", "monitoring"), new("team", "db"),
    ];

    [Benchmark]
    public ulong Fingerprint() => LabelSet.From(_pairs).Fingerprint;
}

/// <summary>Matchers as routes and silences use them: equality, and an anchored regex.</summary>
[MemoryDiagnoser]
public class MatcherBenchmarks
{
    private readonly LabelSet _labels = LabelSet.From(("alertname", "HighLatency"), ("team", "web-frontend"), ("severity", "critical"), ("cluster", "eu1"));
    private readonly Matchers _equal = MatcherParser.ParseList("{severity=\"critical\", cluster=\"eu1\"}");
    private readonly Matchers _regex = MatcherParser.ParseList("{team=~\"db|web-.*\", alertname!~\"Watchdog|InfoInhibitor\"}");

    [Benchmark]
    public bool Equality() => _equal.Matches(_labels);

    [Benchmark]
    public bool Regex() => _regex.Matches(_labels);

    [Benchmark]
    public Matchers Parse() => MatcherParser.ParseList("{team=~\"db|web-.*\", severity=\"critical\", alertname!=\"Watchdog\"}");
}

/// <summary>Routing an alert through a tree of 50 team routes with nested severity routes.</summary>
[MemoryDiagnoser]
public class RouteBenchmarks
{
    private Route _root = null!;
    private readonly LabelSet _labels = LabelSet.From(("alertname", "DiskFull"), ("team", "team-37"), ("severity", "critical"), ("cluster", "eu1"));

    [GlobalSetup]
    public void Setup()
    {
        var yaml = "route:\n  receiver: default\n  group_by: [alertname, cluster]\n  routes:\n"
            + string.Concat(Enumerable.Range(0, 50).Select(i => $"""
                    - receiver: team-{i}
                      matchers: ['team="team-{i}"']
                      routes:
                        - receiver: team-{i}-pager
                          matchers: ['severity=~"critical|page"']

                """))
            + "receivers:\n  - name: default\n"
            + string.Concat(Enumerable.Range(0, 50).Select(i => $"  - name: team-{i}\n  - name: team-{i}-pager\n"));
        _root = Route.Build(ConfigLoader.Load(yaml, "bench.yml", channels: []).RootRoute);
    }

    [Benchmark]
    public int Match() => _root.Match(_labels).Count;
}

/// <summary>The inhibition index: built over 40k firing alerts (load 5's shape), then asked about one target.</summary>
[MemoryDiagnoser]
public class InhibitionBenchmarks
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
    private readonly InhibitRule[] _rules = [new(MatcherParser.ParseList("{severity=\"critical\"}"), MatcherParser.ParseList("{severity=\"warning\"}"), ["cluster", "instance"])];
    private Alert[] _alerts = null!;
    private Inhibitor _inhibitor = null!;
    private readonly LabelSet _target = LabelSet.From(("alertname", "Lag"), ("severity", "warning"), ("cluster", "c7"), ("instance", "i-3999"));

    [GlobalSetup]
    public void Setup()
    {
        _alerts = [.. Enumerable.Range(0, 40_000).Select(i => new Alert(
            LabelSet.From(("alertname", i % 10 == 0 ? "Down" : "Lag"), ("severity", i % 10 == 0 ? "critical" : "warning"), ("cluster", $"c{i % 10}"), ("instance", $"i-{i / 10}")),
            LabelSet.Empty, s_now.AddMinutes(-5), s_now.AddMinutes(5), "", s_now, false))];
        _inhibitor = new Inhibitor(_rules, _alerts, s_now);
    }

    [Benchmark]
    public Inhibitor Build40k() => new(_rules, _alerts, s_now);

    [Benchmark]
    public ulong? Lookup() => _inhibitor.InhibitedBy(_target);
}

/// <summary>Rendering the default DingTalk markdown and Slack templates for the preview's example group.</summary>
[MemoryDiagnoser]
public class TemplateBenchmarks
{
    private TemplateRenderer _renderer = null!;
    private TemplateModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        _renderer = new TemplateRenderer(new AlertingMetrics(), NullLogger<TemplateRenderer>.Instance, ChannelRegistry.Templates);
        _model = TemplatePreview.Model(null, "en", null, TemplatePreview.ExampleNow, "http://alerting.example.com");
    }

    [Benchmark]
    public string DingTalkMarkdown() => _renderer.Render("dingtalk.markdown", "en", _model);

    [Benchmark]
    public string SlackText() => _renderer.Render("slack.text", "en", _model);
}
