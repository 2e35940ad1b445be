using Alerting.Channels.Slack;
using Alerting.Metrics;
using static Alerting.Templating.TemplateTestData;

namespace Alerting.Templating;

public sealed class EscapingTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Image = "\"><img src=x onerror=alert(2)>";

    private static TemplateModel Hostile(string language = "en") => Model(Data(
        Alert("DiskFull", "db-1", firing: true, summary: Script, description: Image, ("team", "a&b <c>"))), language);

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public void Email_html_escapes_labels_and_annotations(string language)
    {
        var text = Renderer(new AlertingMetrics()).Render("email.html", language, Hostile(language));
        Assert.DoesNotContain("<script", text);
        Assert.DoesNotContain("<img", text);
        Assert.DoesNotContain("<c>", text);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", text);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;", text);
        Assert.Contains("team=a&amp;b &lt;c&gt;", text);
        Assert.Contains("<table", text); // the template's own markup is untouched
    }

    [Fact]
    public void A_user_html_template_cannot_let_data_through_and_html_escape_does_not_double_escape()
    {
        var renderer = Renderer(new AlertingMetrics());
        var raw = ScribanSource.Parse("email.html", "en", "user.sbn",
            "<p>{{ alerts[0].annotations.summary }}</p><p>{{ alerts[0].labels.team | html.escape }}</p><p>{{ '<b>' | html.escape }}</p>{{ x = '<i>' + summary + '</i>' }}{{ x }}", isDefault: false);
        var text = renderer.TryRender(raw, Hostile()).Text!;
        Assert.Equal(
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>a&amp;b &lt;c&gt;</p><p>&lt;b&gt;</p><i>&lt;script&gt;alert(1)&lt;/script&gt;</i>",
            text);
    }

    [Fact]
    public void Slack_text_escapes_ampersand_and_angle_brackets()
    {
        var text = Renderer(new AlertingMetrics()).Render("slack.text", "en", Hostile());
        Assert.DoesNotContain(Script, text);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", text);
        Assert.Contains("team=a&amp;b &lt;c&gt;", text);
        Assert.Contains($"<{ExternalUrl}/action/preview-view|View>", text); // links stay links
    }

    [Theory]
    [InlineData("a&b <c>", "a&amp;b &lt;c&gt;")]
    [InlineData("a&amp;b &lt;c&gt;", "a&amp;b &lt;c&gt;")] // escaped before: not escaped twice
    [InlineData("AT&T &copy; &", "AT&amp;T &amp;copy; &amp;")]
    public void Slack_escaping_is_idempotent(string input, string expected)
    {
        Assert.Equal(expected, SlackEscaping.Escape(input));
        Assert.Equal(expected, SlackEscaping.Escape(SlackEscaping.Escape(input)));
    }

    [Fact]
    public void Plain_text_channels_keep_the_text_as_is()
    {
        var text = Renderer(new AlertingMetrics()).Render("email.text", "en", Hostile());
        Assert.Contains(Script, text);
        Assert.Contains("team=a&b <c>", text);
    }
}
