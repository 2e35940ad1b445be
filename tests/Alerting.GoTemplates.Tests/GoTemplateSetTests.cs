using Alerting.Core.Notifications;
using Alerting.GoTemplates.Infrastructure;

namespace Alerting.GoTemplates;

public sealed class GoTemplateSetTests
{
    private static readonly NotificationData Data = TestData.Data();

    [Fact]
    public void EmptyTextGivesEmpty()
    {
        Assert.Equal("", GoTemplateSet.Default.ExecuteText("", Data));
        Assert.Equal("", GoTemplateSet.Default.ExecuteHtml("", Data));
    }

    [Fact]
    public void DefaultHasAlertmanagersTemplates()
    {
        Assert.Contains("slack.default.title", GoTemplateSet.Default.TemplateNames);
        Assert.Contains("email.default.html", GoTemplateSet.Default.TemplateNames);
        Assert.Equal("[FIRING:1] HighLatency (critical)", GoTemplateSet.Default.ExecuteText("{{ template \"slack.default.title\" . }}", Data));
    }

    [Fact]
    public void FiringAlertsEndAtGosZeroTime() =>
        Assert.Equal(
            "0001-01-01 00:00:00 +0000 UTC|2024-03-05 14:22:09 +0000 UTC",
            GoTemplateSet.Default.ExecuteText("{{ range $i, $a := .Alerts }}{{ if $i }}|{{ end }}{{ $a.EndsAt }}{{ end }}", Data));

    [Fact]
    public void UserFilesOverrideAndAdd()
    {
        var set = GoTemplateSet.Load([new TemplateSource("/etc/am/my.tmpl", "{{ define \"__alertmanager\" }}Mine{{ end }}{{ define \"x\" }}X{{ .Status }}{{ end }}")]);
        Assert.Equal("Mine|Xfiring", set.ExecuteText("{{ template \"slack.default.username\" . }}|{{ template \"x\" . }}", Data));
        Assert.Equal("Alertmanager", GoTemplateSet.Default.ExecuteText("{{ template \"slack.default.username\" . }}", Data));
    }

    [Fact]
    public void AFileThatDoesNotParseNamesFileAndLine()
    {
        var e = Assert.Throws<GoTemplateParseException>(() =>
            GoTemplateSet.Load([new TemplateSource("/etc/am/bad.tmpl", "ok\n{{ define \"x\" }}{{ .A }")]));
        Assert.Equal("/etc/am/bad.tmpl", e.Path);
        Assert.Equal(2, e.Line);
        Assert.Equal("template: bad.tmpl:2: unexpected \"}\" in operand", e.Message);
    }

    [Fact]
    public void CheckParsesWithoutRunning()
    {
        GoTemplateSet.Default.Check("{{ .Nope.Deeper | toUpper }}");
        var e = Assert.Throws<GoTemplateParseException>(() => GoTemplateSet.Default.Check("a\n{{ if .X }}"));
        Assert.Equal(2, e.Line);
        Assert.Equal("template: :2: unexpected EOF", e.Message);
    }

    [Fact]
    public void ExecutionErrorsAreGos() =>
        Assert.Equal(
            "template: :1:3: executing \"\" at <.Nope>: can't evaluate field Nope in type template.Data",
            Assert.Throws<GoTemplateException>(() => GoTemplateSet.Default.ExecuteText("{{ .Nope }}", Data)).Message);

    [Fact]
    public void HtmlEscapes() =>
        Assert.Equal(
            "<b>Latency &lt;high&gt; &amp; rising</b><a href=\"http://am.example.com?r=team\">",
            GoTemplateSet.Default.ExecuteHtml("<b>{{ .CommonAnnotations.summary }}</b><a href=\"{{ .ExternalURL }}?r={{ .Receiver }}\">", Data));

    [Fact]
    public void OutputIsCapped()
    {
        var set = GoTemplateSet.Load([], new GoTemplateLimits(TimeSpan.FromSeconds(2), 10));
        Assert.Equal("0123456789", set.ExecuteText("0123456789", Data));
        var e = Assert.Throws<GoTemplateException>(() => set.ExecuteText("0123456789{{ \"x\" }}", Data));
        Assert.Equal("template: :1:13: executing \"\" at <{{\"x\"}}>: output exceeds the limit of 10 bytes", e.Message);
    }

    [Fact]
    public void TimeIsBudgeted()
    {
        var set = GoTemplateSet.Load([], new GoTemplateLimits(TimeSpan.Zero, 1 << 20));
        var many = TestData.Data([.. Enumerable.Range(0, 300).Select(i => TestData.Alert("firing", "i" + i))]);
        var e = Assert.Throws<GoTemplateException>(() => set.ExecuteText("{{ range .Alerts }}{{ range $.Alerts }}x{{ end }}{{ end }}", many));
        Assert.Contains("execution exceeds the time budget of 0s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecursionIsBounded()
    {
        var e = Assert.Throws<GoTemplateException>(() =>
            GoTemplateSet.Default.ExecuteText("{{ define \"r\" }}{{ template \"r\" . }}{{ end }}{{ template \"r\" . }}", Data));
        Assert.Contains("exceeded maximum template depth (1000)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNestingFailsInsteadOfEndingTheStack()
    {
        var deep = string.Concat(Enumerable.Repeat("{{ if true }}", 20000)) + "x" + string.Concat(Enumerable.Repeat("{{ end }}", 20000));
        Assert.Equal("template: :1: max expression depth exceeded", Assert.Throws<GoTemplateParseException>(() => GoTemplateSet.Default.Check(deep)).Message);
        var parens = "{{ " + new string('(', 20000) + "1" + new string(')', 20000) + " }}";
        Assert.Throws<GoTemplateParseException>(() => GoTemplateSet.Default.ExecuteHtml(parens, Data));
    }

    [Fact]
    public void AFunctionsPanicIsAnError() =>
        Assert.EndsWith(
            "error calling In: time: missing Location in call to Time.In",
            Assert.Throws<GoTemplateException>(() => GoTemplateSet.Default.ExecuteText("{{ (index .Alerts 0).StartsAt.In nil }}", Data)).Message);

    [Fact]
    public void InlineDefinitionsStayInTheirText()
    {
        Assert.Equal("inline", GoTemplateSet.Default.ExecuteText("{{ define \"__alertmanager\" }}inline{{ end }}{{ template \"__alertmanager\" }}", Data));
        Assert.Equal("Alertmanager", GoTemplateSet.Default.ExecuteText("{{ template \"__alertmanager\" }}", Data));
    }

    [Fact]
    public async Task RunsInParallel()
    {
        var expected = GoTemplateSet.Default.ExecuteHtml("{{ template \"email.default.html\" . }}", Data);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(() => GoTemplateSet.Default.ExecuteHtml("{{ template \"email.default.html\" . }}", Data))));
        Assert.All(results, r => Assert.Equal(expected, r));
        Assert.Contains("Latency &lt;high&gt; &amp; rising", expected, StringComparison.Ordinal);
    }
}

public sealed class TemplateExpanderTests
{
    [Fact]
    public void KeepsTheFirstErrorAndReturnsEmptyAfterIt()
    {
        var tmpl = new TemplateExpander(GoTemplateSet.Default, TestData.Data());
        Assert.Equal("firing", tmpl.Text("{{ .Status }}"));
        Assert.Equal("", tmpl.Text("{{ .Nope }}"));
        var first = tmpl.Error;
        Assert.NotNull(first);
        Assert.Equal("", tmpl.Html("{{ .Status }}"));
        Assert.Equal("", tmpl.Text("{{ if }}"));
        Assert.Same(first, tmpl.Error);
    }

    [Fact]
    public void HtmlEscapes() =>
        Assert.Equal("&lt;x&gt;", new TemplateExpander(GoTemplateSet.Default, TestData.Data()).Html("{{ \"<x>\" }}"));
}
