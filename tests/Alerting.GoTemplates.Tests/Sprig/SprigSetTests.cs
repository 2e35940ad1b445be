using Alerting.GoTemplates.Infrastructure;

namespace Alerting.GoTemplates.Sprig;

/// <summary>
/// GoTemplateSet.Sprig against the Alertmanager set: which map wins where names meet (sprig, as in
/// prometheus-webhook-dingtalk), which files each sees, and prometheus-webhook-dingtalk's data and templates.
/// </summary>
public sealed class SprigSetTests
{
    private static readonly GoTemplateSet Am = GoTemplateSet.Load([]);

    [Fact]
    public void An_alertmanager_set_does_not_know_sprig_functions_and_fails_as_alertmanager()
    {
        var e = Assert.ThrowsAny<GoTemplateException>(() => Am.ExecuteText("{{ .CommonLabels.alertname | upper }}", TestData.Data()));
        Assert.Equal("template: :1: function \"upper\" not defined", e.Message);
        Assert.Equal("HIGHLATENCY", Am.Sprig.ExecuteText("{{ .CommonLabels.alertname | upper }}", TestData.Data()));
        Assert.Same(Am.Sprig, Am.Sprig.Sprig);
    }

    [Theory]
    // sprig's title (strings.Title) keeps the other letters; Alertmanager's lowers them.
    [InlineData("{{ title \"hELLO wORLD\" }}", "Hello World", "HELLO WORLD")]
    // sprig's date takes Unix seconds too and formats in local time; toJson drops its error.
    [InlineData("{{ toJson 1i }}", null, "")]
    [InlineData("{{ join \",\" (list \"a\" \"b\") }}", null, "a,b")]
    [InlineData("{{ append (list 1) 2 }}", "[1 2]", "[1 2]")]
    [InlineData("{{ toUpper \"a\" }}|{{ toLower \"B\" }}|{{ trimSpace \" x \" }}|{{ safeHtml \"<b>\" }}", "A|b|x|<b>", "A|b|x|<b>")]
    public void Sprig_wins_where_names_meet(string text, string? alertmanager, string sprig)
    {
        if (alertmanager is null)
        {
            Assert.ThrowsAny<GoTemplateException>(() => Am.ExecuteText(text, TestData.Data()));
        }
        else
        {
            Assert.Equal(alertmanager, Am.ExecuteText(text, TestData.Data()));
        }
        Assert.Equal(sprig, Am.Sprig.ExecuteText(text, TestData.Data()));
    }

    [Fact]
    public void Markdown_escapes_as_prometheus_webhook_dingtalk() =>
        Assert.Equal("a\\_b\\*c\\`d [x]", Am.Sprig.ExecuteText("{{ markdown \"a_b*c`d [x]\" }}", TestData.Data()));

    [Fact]
    public void Its_data_has_AtMobiles_and_its_default_templates_are_there()
    {
        Assert.Equal("[]", Am.Sprig.ExecuteText("{{ .AtMobiles }}", TestData.Data()));
        Assert.Contains("can't evaluate field AtMobiles", Assert.ThrowsAny<GoTemplateException>(() => Am.ExecuteText("{{ .AtMobiles }}", TestData.Data())).Message, StringComparison.Ordinal);
        foreach (var name in (string[])["ding.link.title", "ding.link.content", "default.title", "default.content", "legacy.title", "legacy.content", "default.__text_alert_list"])
        {
            Assert.Contains(name, Am.Sprig.TemplateNames);
            Assert.DoesNotContain(name, Am.TemplateNames);
        }
        // Alertmanager's own definitions stay for the sprig set, except the three prometheus-webhook-dingtalk redefines.
        Assert.Contains("slack.default.title", Am.Sprig.TemplateNames);
        Assert.Equal("http://am.example.com/#/alerts?receiver=team", Am.Sprig.ExecuteText("{{ template \"__alertmanagerURL\" . }}", TestData.Data()));
    }

    [Fact]
    public void A_file_that_needs_sprig_is_kept_from_the_alertmanager_set_and_one_wrong_for_both_fails_with_alertmanagers_error()
    {
        var set = GoTemplateSet.Load(
        [
            new("/t/ding.tmpl", "{{ define \"ding.x\" }}{{ .Status | upper }}{{ end }}"),
            new("/t/both.tmpl", "{{ define \"both.x\" }}{{ .Status | toUpper }}{{ end }}"),
        ]);
        Assert.Equal(["/t/ding.tmpl"], set.SprigOnlyFiles);
        Assert.Equal("FIRING", set.Sprig.ExecuteText("{{ template \"ding.x\" . }}", TestData.Data()));
        Assert.Equal("FIRING", set.ExecuteText("{{ template \"both.x\" . }}", TestData.Data()));
        Assert.Contains("template \"ding.x\" not defined", Assert.ThrowsAny<GoTemplateException>(() => set.ExecuteText("{{ template \"ding.x\" . }}", TestData.Data())).Message, StringComparison.Ordinal);

        var e = Assert.Throws<GoTemplateParseException>(() => GoTemplateSet.Load([new("/t/bad.tmpl", "{{ upper .Status }}{{ nosuch }}")]));
        Assert.Equal("/t/bad.tmpl", e.Path);
        Assert.Contains("function \"upper\" not defined", e.Message, StringComparison.Ordinal);
    }
}
