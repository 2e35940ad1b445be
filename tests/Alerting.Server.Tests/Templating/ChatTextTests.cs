using Alerting.Metrics;
using static Alerting.Templating.TemplateTestData;

namespace Alerting.Templating;

public sealed class ChatTextTests
{
    [Theory]
    [InlineData("http://prometheus.example.org:9090/graph?g0.expr=latency&g0.tab=1", "http://prometheus.example.org:9090/graph?g0.expr=latency&g0.tab=1")]
    [InlineData(" HTTPS://g.example/d/x?var-a=(b) ", "HTTPS://g.example/d/x?var-a=%28b%29")]
    [InlineData("http://e.example/a b\"><script>", "http://e.example/a%20b%22%3E%3Cscript%3E")]
    [InlineData("http://e.example/[x]|`y`", "http://e.example/%5Bx%5D%7C%60y%60")]
    [InlineData("javascript:alert(1)", "")]
    [InlineData("JavaScript://%0aalert(1)", "")]
    [InlineData("data:text/html,<b>x</b>", "")]
    [InlineData("/relative/path", "")]
    [InlineData("http://", "")]
    [InlineData("", "")]
    public void Only_http_and_https_urls_pass_with_markup_characters_encoded(string url, string expected) => Assert.Equal(expected, SafeUrl.Of(url));

    [Theory]
    [InlineData("[click](http://evil)", "\\[click\\](http://evil)")]
    [InlineData("<@U123> @all", "\\<＠U123\\> ＠all")]
    [InlineData("# h\n  - item\nx - y", "\\# h\n  \\- item\nx - y")]
    [InlineData("a | b `c` *d* node_exporter ~x", "a \\| b \\`c\\` \\*d\\* node_exporter ~x")]
    [InlineData("api-1.example.org:9090", "api-1.example.org:9090")] // Alertmanager's golden data is unchanged
    public void CommonMark_escapes_links_mentions_and_structure(string input, string expected) => Assert.Equal(expected, ChatText.CommonMark(input));

    [Theory]
    [InlineData("[click](http://evil)", "［click］(http://evil)")]
    [InlineData("<at id=all></at> @all **b**", "＜at id=all＞＜/at＞ ＠all ＊＊b＊＊")]
    [InlineData("# h\n= x\n-a b-c", "＃ h\n＝ x\n－a b-c")]
    [InlineData("磁盘 满了 node_exporter", "磁盘 满了 node_exporter")]
    public void FullWidth_makes_markup_characters_inert_and_readable(string input, string expected) => Assert.Equal(expected, ChatText.FullWidth(input));

    [Fact]
    public void Telegram_MarkdownV2_escapes_every_character_it_reserves()
    {
        Assert.Equal("a\\.b\\-c\\_d\\(e\\)\\!\\=\\{\\}\\#\\+\\|\\>\\~\\`\\*\\[\\]\\\\", ChatText.TelegramMarkdownV2("a.b-c_d(e)!={}#+|>~`*[]\\"));
        Assert.Equal("＠all", ChatText.TelegramMarkdownV2("@all"));
    }

    [Fact]
    public void Scriban_templates_link_only_http_urls_from_the_data_and_keep_the_action_links()
    {
        var data = Data(Alert("DiskFull", "db-1", firing: true, summary: "s") with { GeneratorUrl = "javascript:alert(1)" });
        var grafana = new Dictionary<string, GrafanaLinks> { [data.Alerts[0].Fingerprint] = new("javascript:alert(2)", "https://g.example/d/p?x=(1)", null) };
        var renderer = Renderer(new AlertingMetrics());
        var model = Model(data, grafana: grafana);

        var html = renderer.Render("email.html", "en", model);
        Assert.DoesNotContain("javascript:", html);
        Assert.Contains("href=\"https://g.example/d/p?x=%281%29\"", html);
        Assert.DoesNotContain(">Source<", html);

        var markdown = renderer.Render("dingtalk.markdown", "en", model);
        Assert.DoesNotContain("javascript:", markdown);
        Assert.DoesNotContain("[Dashboard]", markdown);
        Assert.Contains("[Panel](https://g.example/d/p?x=%281%29)", markdown);
        Assert.Contains($"[Acknowledge]({ExternalUrl}/action/preview-ack)", markdown); // our links are not escaped as data
    }

    [Fact]
    public void The_plain_text_fallback_escapes_the_data_but_not_the_links()
    {
        var model = Model(Data(Alert("Disk[x](http://evil)", "db-1", firing: true, summary: "@all")));
        var text = TemplateRenderer.PlainText(Channels.ChannelRegistry.Templates.For("dingtalk.markdown"), model);
        Assert.Contains("Disk［x］(http://evil)", text);
        Assert.Contains("＠all", text);
        Assert.Contains($"View: {ExternalUrl}/action/preview-view", text);
    }
}
