using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;

namespace Alerting.Templating;

public sealed class GoFieldsTests
{
    private readonly List<(string Field, Exception Error)> _failures = [];

    private GoFields Fields() => new(GoTemplateSet.Default, Data(), (f, e) => _failures.Add((f, e)));

    private static NotificationData Data()
    {
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var alert = new Core.Alerts.Alert(LabelSet.From(("alertname", "A<b>"), ("team", "db")), LabelSet.Empty, now, now.AddHours(1), "", now, false);
        return NotificationData.Create("r", "{}:{}", LabelSet.From(("alertname", "A<b>")), [alert], "http://alerting", now);
    }

    [Fact]
    public void Text_and_html_run_as_Alertmanagers_ExecuteTextString_and_ExecuteHTMLString()
    {
        var go = Fields();
        Assert.Equal("A<b> db", go.Text("f", "{{ .CommonLabels.alertname }} {{ .CommonLabels.team }}"));
        Assert.Equal("<i>A&lt;b&gt;</i>", go.Html("f", "<i>{{ .CommonLabels.alertname }}</i>"));
        Assert.Equal("", go.Text("f", null));
        Assert.Equal("", go.Text("f", "", () => "not used"));
        Assert.False(go.AnyFailed);
        Assert.Empty(_failures);
    }

    [Fact]
    public void A_failing_field_is_reported_and_replaced_by_its_fallback()
    {
        var go = Fields();
        Assert.Equal("fallback", go.Text("slack.title", "{{ .Nope }}", () => "fallback"));
        Assert.Equal("", go.Html("email.html", "{{ if }}"));
        Assert.True(go.AnyFailed);
        Assert.Equal(["slack.title", "email.html"], _failures.Select(f => f.Field));
        Assert.All(_failures, f => Assert.IsType<GoTemplateException>(f.Error, exactMatch: false));
    }

    [Fact]
    public void TextOr_takes_the_standard_template_when_unset_or_failing_and_the_last_resort_after_it()
    {
        var go = Fields();
        const string Standard = """{{ template "__subject" . }}""";
        Assert.Equal("[FIRING:1] A<b> (db)", go.TextOr("t", null, Standard));
        Assert.Equal("own", go.TextOr("t", "own", Standard));
        Assert.Equal("[FIRING:1] A<b> (db)", go.TextOr("t", "{{ .Nope }}", Standard));
        Assert.Equal("last", go.TextOr("t", "{{ .Nope }}", "{{ template \"missing\" . }}", () => "last"));
        Assert.Equal(3, _failures.Count); // the own field once, then both in the last case
    }
}
