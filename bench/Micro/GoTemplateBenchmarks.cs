using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using BenchmarkDotNet.Attributes;

namespace Alerting.Benchmarks;

/// <summary>
/// Alertmanager's default Slack, email and Opsgenie templates over a group of 100 alerts, through the public
/// surface a receiver uses (compiled texts are cached per set, as in production). bench/gotemplates.sh runs
/// the same renders through Go's text/template and html/template for comparison.
/// </summary>
[MemoryDiagnoser]
public class GoTemplateBenchmarks
{
    private const string SlackTitle = """{{ template "slack.default.title" . }}""";
    private const string SlackText = """{{ template "slack.default.text" . }}""";
    private const string EmailSubject = """{{ template "email.default.subject" . }}""";
    private const string EmailHtml = """{{ template "email.default.html" . }}""";
    private const string OpsgenieDescription = """{{ template "opsgenie.default.description" . }}""";

    private readonly GoTemplateSet _set = GoTemplateSet.Default;
    private NotificationData _data = null!;

    [GlobalSetup]
    public void Setup() => _data = GoTemplateData.Data();

    /// <summary>slack_configs' title and text (0.25's slack.default.text is empty: the title is the work).</summary>
    [Benchmark]
    public int SlackTitleAndText() => _set.ExecuteText(SlackTitle, _data).Length + _set.ExecuteText(SlackText, _data).Length;

    /// <summary>email_configs' Subject header (a text template) and html body (html/template).</summary>
    [Benchmark]
    public int EmailSubjectAndHtml() => _set.ExecuteText(EmailSubject, _data).Length + _set.ExecuteHtml(EmailHtml, _data).Length;

    /// <summary>A text default that lists every alert's labels and annotations.</summary>
    [Benchmark]
    public int OpsgenieDescriptionText() => _set.ExecuteText(OpsgenieDescription, _data).Length;
}
