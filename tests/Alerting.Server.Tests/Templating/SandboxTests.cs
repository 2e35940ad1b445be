using System.Diagnostics;
using Alerting.Infrastructure;
using Alerting.Metrics;
using static Alerting.Templating.TemplateTestData;

namespace Alerting.Templating;

[Collection(SerialCollection.Name)] // they bound durations, and one starves the thread pool on purpose
public sealed class SandboxTests
{
    private static TemplateRenderResult Try(string text, string name = "email.text", TemplateOptions? options = null) =>
        Renderer(new AlertingMetrics(), options).TryRender(ScribanSource.Parse(name, "en", "test.sbn", text, isDefault: false), Model(Firing()));

    [Fact]
    public void An_endless_loop_is_cut_off_quickly()
    {
        var watch = Stopwatch.StartNew();
        var result = Try("{{ while true }}{{ end }}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Null(result.Text);
        Assert.Contains("limit", result.Error!.Message);
        Assert.Equal(1, result.Error.Line);
    }

    [Fact]
    public void A_template_that_runs_too_long_is_stopped_by_the_timeout()
    {
        // Within the loop limit (100 × 1000 iterations), but each iteration does string work that adds up.
        var watch = Stopwatch.StartNew();
        var result = Try(
            "{{ func spin(n)\n if n > 0\n spin(n - 1)\n spin(n - 1)\n end\n end\n spin(40) }}",
            options: TemplateOptions.Default with { Timeout = TimeSpan.FromMilliseconds(300) });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        Assert.Null(result.Text);
        Assert.Contains("takes too long", result.Error!.Message);
    }

    [Fact]
    public void The_timeout_holds_while_the_thread_pool_is_starved()
    {
        // A CI run saw a 300 ms timeout stop a template after 3 s: a timer's callback needs a pool thread, and a busy
        // service has none to spare. Every pool thread is kept busy here for the length of the render.
        // Not disposed: blockers that start only after the render must find it set, not disposed (that crashed the run).
        var release = new ManualResetEventSlim();
        var blockers = ThreadPool.ThreadCount + 16;
        for (var i = 0; i < blockers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => release.Wait(TimeSpan.FromSeconds(30)), null);
        }
        try
        {
            var watch = Stopwatch.StartNew();
            var result = Try(
                "{{ func spin(n)\n if n > 0\n spin(n - 1)\n spin(n - 1)\n end\n end\n spin(40) }}",
                options: TemplateOptions.Default with { Timeout = TimeSpan.FromMilliseconds(300) });
            Assert.Contains("takes too long", result.Error!.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public void Include_is_refused()
    {
        var result = Try("before {{ include \"x\" }} after");
        Assert.Null(result.Text);
        Assert.Contains("not allowed", result.Error!.Message);

        var file = Try("{{ include \"/etc/passwd\" }}");
        Assert.Null(file.Text);
        Assert.DoesNotContain("root:", file.Error!.Message);
    }

    [Fact]
    public void Recursion_and_huge_strings_are_bounded()
    {
        var recursion = Try("{{ func f\n f\n end\n f }}");
        Assert.Null(recursion.Text);
        Assert.Contains("recursive", recursion.Error!.Message, StringComparison.OrdinalIgnoreCase);

        var huge = Try("{{ 'x' | string.pad_left 50000000 }}");
        Assert.Null(huge.Text);
    }

    [Fact]
    public void Parse_errors_carry_line_and_column()
    {
        var result = Try("line one\n{{ if }}\n");
        Assert.Null(result.Text);
        Assert.Equal(2, result.Error!.Line);
        Assert.True(result.Error.Column > 0);
    }

    [Fact]
    public void Runtime_errors_carry_line_and_column()
    {
        var result = Try("one\ntwo\n  {{ nothing.x.y }}");
        Assert.Null(result.Text);
        Assert.Equal(3, result.Error!.Line);
        Assert.True(result.Error.Column > 2, $"column {result.Error.Column}");
        Assert.Contains("null", result.Error.Message);
    }

    [Fact]
    public void A_runaway_default_still_yields_a_message()
    {
        // Even when the default fails too, the message is sent: as plain text with the alerts and links.
        using var dir = new Infrastructure.TempDirectory("alerting-tpl-");
        File.WriteAllText(Path.Combine(dir.Path, "dingtalk.markdown.en.sbn"), "{{ while true }}{{ end }}");
        var metrics = new AlertingMetrics();
        var renderer = Renderer(metrics, TemplateOptions.Default with { DefaultsDirectory = dir.Path });

        var text = renderer.Render("dingtalk.markdown", "en", Model(Firing()));
        Assert.StartsWith("[FIRING:2] DiskFull", text);
        Assert.Contains("instance=db-1", text);
        Assert.Contains($"{ExternalUrl}/action/preview-ack", text);
        Assert.Equal(1, Failures(metrics, "dingtalk.markdown"));

        // No default at all (a missing templates folder): plain text, nothing counted as a template failure.
        Assert.Equal("[FIRING:2] DiskFull", renderer.Render("dingtalk.title", "en", Model(Firing())));
    }
}
