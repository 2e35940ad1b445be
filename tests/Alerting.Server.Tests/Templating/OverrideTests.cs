using Alerting.Channels;
using Alerting.Configuration;
using Alerting.Infrastructure;
using Alerting.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Alerting.Templating.TemplateTestData;

namespace Alerting.Templating;

public sealed class OverrideTests : IDisposable
{
    private readonly TempDirectory _dir = new("alerting-tpl-");
    private readonly AlertingMetrics _metrics = new();
    private readonly ConfigHolder _config;
    private readonly TemplateRenderer _renderer;
    private readonly TemplateRenderer _plain;

    public OverrideTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "tpl"));
        Directory.CreateDirectory(Path.Combine(_dir.Path, "more"));
        var configPath = Path.Combine(_dir.Path, "alerting.yml");
        File.WriteAllText(configPath, """
            route:
              receiver: default
            receivers:
              - name: default
            templates:
              - 'tpl/*.sbn'
              - 'tpl/*.tmpl'
              - 'more/dingtalk.title.en.sbn'
            """);
        _config = new ConfigHolder(configPath, ChannelRegistry.All, Core.Matching.MatcherSyntax.Default, RuntimeConfig.From(TestConfig.LoadFile(configPath)), _metrics, new FakeTimeProvider(Now), NullLogger<ConfigHolder>.Instance);
        // The same wiring as the server's.
        var services = new ServiceCollection().AddLogging().AddSingleton(_metrics).AddSingleton(_config).AddTemplating(Channels.ChannelRegistry.Templates).BuildServiceProvider();
        _renderer = services.GetRequiredService<TemplateRenderer>();
        _plain = Renderer(new AlertingMetrics());
    }

    public void Dispose()
    {
        _config.Dispose();
        _dir.Dispose();
    }

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(_dir.Path, file), text);

    private async Task ReloadAsync() => Assert.Null(await _config.ReloadAsync());

    [Fact]
    public async Task An_override_file_replaces_the_default_and_a_reload_picks_up_changes()
    {
        Write("tpl/dingtalk.markdown.en.sbn", "custom v1: {{ alertname }} ({{ count }})");
        Write("tpl/email.subject.sbn", "every language: {{ alertname }}");
        Write("tpl/notes.tmpl", "{{ define \"go\" }}a Go template{{ end }}");
        Write("more/dingtalk.title.en.sbn", "title {{ status }}");
        await ReloadAsync();
        var model = Model(Firing());

        Assert.Equal("custom v1: DiskFull (2)", _renderer.Render("dingtalk.markdown", "en", model));
        // Only English is overridden; Chinese keeps its default.
        Assert.Equal(_plain.Render("dingtalk.markdown", "zh-CN", model), _renderer.Render("dingtalk.markdown", "zh-CN", model));
        Assert.Equal("every language: DiskFull", _renderer.Render("email.subject", "en", model));
        Assert.Equal("every language: DiskFull", _renderer.Render("email.subject", "zh-CN", model));
        Assert.Equal("title firing", _renderer.Render("dingtalk.title", "en", model));
        Assert.Equal(3, _renderer.OverrideFiles.Count); // the .tmpl file is not ours and is ignored

        Write("tpl/dingtalk.markdown.en.sbn", "custom v2: {{ alertname }}");
        Assert.StartsWith("custom v1", _renderer.Render("dingtalk.markdown", "en", model)); // until the config reloads
        await ReloadAsync();
        Assert.Equal("custom v2: DiskFull", _renderer.Render("dingtalk.markdown", "en", model));

        File.Delete(Path.Combine(_dir.Path, "tpl/dingtalk.markdown.en.sbn"));
        await ReloadAsync();
        Assert.Equal(_plain.Render("dingtalk.markdown", "en", model), _renderer.Render("dingtalk.markdown", "en", model));
        Assert.Equal(0, Failures(_metrics, "dingtalk.markdown"));
    }

    [Theory]
    [InlineData("{{ if }} unfinished")] // does not parse
    [InlineData("fine until {{ nothing.x.y }}")] // fails while rendering
    [InlineData("{{ while true }}{{ end }}")] // runs away
    [InlineData("{{ include 'secrets' }}")] // reaches for a file
    public async Task A_broken_override_falls_back_to_the_default_and_is_counted(string broken)
    {
        Write("tpl/dingtalk.markdown.zh-CN.sbn", broken);
        await ReloadAsync();
        var model = Model(Mixed(), "zh-CN");
        var expected = _plain.Render("dingtalk.markdown", "zh-CN", model);

        Assert.Equal(expected, _renderer.Render("dingtalk.markdown", "zh-CN", model));
        Assert.Equal(1, Failures(_metrics, "dingtalk.markdown"));
        Assert.Equal(expected, _renderer.Render("dingtalk.markdown", "zh-CN", model));
        Assert.Equal(2, Failures(_metrics, "dingtalk.markdown"));
        Assert.Contains("alerting_template_failures_total{template=\"dingtalk.markdown\"} 2", await ScrapeAsync());

        // Other templates are unaffected.
        _renderer.Render("dingtalk.title", "zh-CN", model);
        Assert.Equal(0, Failures(_metrics, "dingtalk.title"));
    }

    [Fact]
    public async Task An_override_is_known_by_its_name_in_any_language_until_it_is_removed()
    {
        Assert.False(_renderer.HasOverride("slack.text"));
        Write("tpl/slack.text.zh-CN.sbn", "{{ alertname }}");
        await ReloadAsync();
        Assert.True(_renderer.HasOverride("slack.text"));
        Assert.False(_renderer.HasOverride("slack.title"));

        File.Delete(Path.Combine(_dir.Path, "tpl/slack.text.zh-CN.sbn"));
        await ReloadAsync();
        Assert.False(_renderer.HasOverride("slack.text"));
    }

    [Fact]
    public void Globs_follow_Go_rules()
    {
        Write("tpl/a.sbn", "");
        Write("tpl/b.sbn", "");
        Write("tpl/c.txt", "");
        Assert.Equal(
            [Path.Combine(_dir.Path, "tpl/a.sbn"), Path.Combine(_dir.Path, "tpl/b.sbn")],
            TemplateGlobs.Expand(Path.Combine(_dir.Path, "t?l/*.sbn")));
        Assert.Equal([Path.Combine(_dir.Path, "tpl/b.sbn")], TemplateGlobs.Expand(Path.Combine(_dir.Path, "tpl/[b-c].sbn")));
        Assert.Empty(TemplateGlobs.Expand(Path.Combine(_dir.Path, "nowhere/*.sbn")));
        Assert.Equal(("dingtalk.markdown", "zh-CN"), ChannelRegistry.Templates.Identify("/x/dingtalk.markdown.zh-CN.sbn"));
        Assert.Equal(("email.html", (string?)null), ChannelRegistry.Templates.Identify("email.html.sbn"));
        Assert.Null(ChannelRegistry.Templates.Identify("email.tmpl"));
        Assert.Null(ChannelRegistry.Templates.Identify("other.sbn"));
    }

    private async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await _metrics.Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
