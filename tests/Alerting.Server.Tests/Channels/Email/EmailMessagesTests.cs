using Alerting.Core.Labels;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Alerting.Templating;
using static Alerting.Channels.Email.EmailTestData;

namespace Alerting.Channels.Email;

public sealed class EmailMessagesTests
{
    private readonly List<string> _failures = [];

    private GoFields Fields(Core.Notifications.NotificationData? data = null) =>
        new(GoTemplateSet.Default, data ?? Data(), (f, _) => _failures.Add(f));

    private static EmailConfig Config(string yaml) =>
        TestConfig.Load($"route: {{receiver: r}}\nreceivers:\n  - name: r\n    email_configs:\n      - smarthost: 'smtp.test:25'\n{yaml}", "email.yml")
            .Receivers.Single().Integrations<EmailConfig>().Single();

    [Fact]
    public void Unset_the_html_is_email_default_html_with_html_escaping_and_there_is_no_text_part()
    {
        var data = Data(Alert(LabelSet.From(("alertname", "Disk<b>Full</b>"), ("severity", "critical"))));
        var content = EmailMessages.Alertmanager(Config("        to: a@example.test\n        from: b@example.test\n"), Fields(data), TestLinks);

        Assert.Null(content.Text);
        Assert.Contains("<!DOCTYPE html PUBLIC", content.Html, StringComparison.Ordinal);
        Assert.Contains("alertname = Disk&lt;b&gt;Full&lt;/b&gt;", content.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Full", content.Html, StringComparison.Ordinal);
        Assert.Equal("[FIRING:1] Disk<b>Full</b> (critical)", content.Subject);
        Assert.Equal(content.Subject, content.Headers!["Subject"]);
        Assert.Equal("a@example.test", content.Headers["To"]);
        Assert.Equal("b@example.test", content.Headers["From"]);
        Assert.Empty(_failures);
    }

    [Fact]
    public void Text_html_headers_from_and_to_are_templates()
    {
        var config = Config("""
                    to: '{{ .CommonLabels.cluster }}@example.test'
                    from: 'alerts-{{ .GroupLabels.alertname }}@example.test'
                    text: 'T {{ len .Alerts }}'
                    html: '<p title="{{ .CommonLabels.alertname }}">{{ .CommonLabels.severity }}</p>'
                    headers:
                      subject: 'S {{ .Status }}'
                      x-cluster: '{{ .CommonLabels.cluster }}'
            """);
        var content = EmailMessages.Alertmanager(config, Fields(), TestLinks);

        Assert.Equal("eu1@example.test", content.To);
        Assert.Equal("alerts-DiskFull@example.test", content.From);
        Assert.Equal("eu1@example.test", content.Headers!["To"]);
        Assert.Equal("S firing", content.Subject);
        Assert.Equal("eu1", content.Headers["X-Cluster"]); // names canonical, as textproto.CanonicalMIMEHeaderKey writes them
        Assert.Equal("T 2", content.Text);
        Assert.Equal("<p title=\"DiskFull\">critical</p>", content.Html);
    }

    [Fact]
    public void An_empty_html_leaves_the_html_part_out()
    {
        var content = EmailMessages.Alertmanager(Config("        to: a@example.test\n        from: b@example.test\n        html: ''\n        text: x\n"), Fields(), TestLinks);
        Assert.Null(content.Html);
        Assert.Equal("x", content.Text);
        var message = EmailComposer.Compose(Config("        to: a@example.test\n        from: b@example.test\n"), content, Now).Message;
        Assert.Equal(["text/plain"], Assert.IsType<MimeKit.MultipartAlternative>(message.Body).Select(p => p.ContentType.MimeType));
    }

    [Fact]
    public void A_template_that_fails_falls_back_and_is_reported()
    {
        var config = Config("""
                    to: a@example.test
                    from: b@example.test
                    text: '{{ .Nope }}'
                    html: '{{ template "missing" . }}'
                    headers: {Subject: '{{ index .Alerts 9 }}', X-Bad: '{{ .Nope }}'}
            """);
        var content = EmailMessages.Alertmanager(config, Fields(), TestLinks);

        Assert.Equal("[FIRING:2] DiskFull (eu1 critical)", content.Subject); // email.default.subject
        Assert.Contains("<!DOCTYPE html PUBLIC", content.Html, StringComparison.Ordinal); // email.default.html
        Assert.Contains("2 alerts for alertname=DiskFull", content.Text, StringComparison.Ordinal); // the built-in text
        Assert.Equal("", content.Headers!["X-Bad"]);
        Assert.Equal(["email.headers", "email.headers", "email.html", "email.text"], _failures.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Our_message_takes_the_Scriban_templates_unless_the_config_sets_its_own()
    {
        var rendered = new List<(string Name, string? Inline)>();
        MessageTemplates Message(GoFields go) => new("en", (name, inline) =>
        {
            rendered.Add((name, inline));
            return inline is null ? $"scriban {name}" : go.Text(name, inline);
        })
        {
            Go = go,
            HasOverride = name => name == "email.html",
        };

        var go = Fields();
        Assert.True(EmailMessages.IsOurs(Message(go)));
        var plain = EmailMessages.Ours(Config("        to: a@example.test\n        from: b@example.test\n"), Message(go));
        Assert.Equal(("scriban email.subject", "scriban email.text", "scriban email.html"), (plain.Subject, plain.Text, plain.Html));

        var own = EmailMessages.Ours(
            Config("        to: a@example.test\n        from: b@example.test\n        text: 'go {{ .Status }}'\n        headers: {Subject: 'go {{ len .Alerts }}'}\n"),
            Message(go));
        Assert.Equal(("go 2", "go firing", "scriban email.html"), (own.Subject, own.Text, own.Html));
        Assert.False(own.Headers!.ContainsKey("Subject"));
    }

    [Theory]
    [InlineData("x-priority", "X-Priority")]
    [InlineData("X-PRIORITY", "X-Priority")]
    [InlineData("message-id", "Message-Id")]
    [InlineData("x priority", "x priority")]
    [InlineData("x-ä", "x-ä")]
    public void Header_names_are_canonical_as_Go_makes_them(string name, string canonical) =>
        Assert.Equal(canonical, EmailConfig.CanonicalHeaderKey(name));

    [Fact]
    public void A_template_that_does_not_parse_loads_with_a_warning_naming_file_line_and_field()
    {
        var config = TestConfig.Load("""
            route: {receiver: r}
            receivers:
              - name: r
                email_configs:
                  - to: a@example.test
                    from: b@example.test
                    smarthost: 'smtp.test:25'
                    headers:
                      Subject: '{{ .Status'
                    html: '{{ if }}'
            """, "alerting.yml");

        Assert.Equal(2, config.Warnings.Count);
        Assert.StartsWith("alerting.yml:9: receivers[0].email_configs[0].headers.Subject: template: :1: unclosed action", config.Warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("alerting.yml:10: receivers[0].email_configs[0].html: template: :1: missing value for if", config.Warnings[1], StringComparison.Ordinal);
        Assert.Contains("fails when it sends", config.Warnings[0], StringComparison.Ordinal);
    }
}
