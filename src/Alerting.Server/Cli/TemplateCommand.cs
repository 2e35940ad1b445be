using System.Text.Json;
using Alerting.Channels;
using Alerting.Metrics;
using Alerting.Templating;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerting.Cli;

/// <summary>
/// <c>alerting template render --template FILE --data alerts.json [--language zh-CN] [--time-zone Asia/Shanghai]</c>:
/// prints what a template makes of sample data, or where it fails.
/// </summary>
internal static class TemplateCommand
{
    public const string Usage = """
        usage: alerting template render --template FILE|NAME [--data FILE] [--name NAME] [--language LANG] [--time-zone ZONE]

          --template   a Scriban template file, or the name of a shipped template (dingtalk.markdown, email.html, ...)
          --data       an Alertmanager webhook payload (version 4) or a JSON list of alerts; example data when omitted
          --name       render the file as this template (sets HTML or Slack escaping); taken from the file name when it is NAME[.LANG].sbn
          --language   en (default), zh-CN, ...
          --time-zone  IANA time zone for the times shown, e.g. Asia/Shanghai (default UTC)
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TemplateOptions? options = null)
    {
        if (args.Length == 0 || args[0] != "render")
        {
            stderr.WriteLine(Usage);
            return 2;
        }
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var (flag, value) = eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, i + 1 < args.Length ? args[++i] : null);
            if (flag is not ("--template" or "--data" or "--name" or "--language" or "--time-zone") || value is null)
            {
                stderr.WriteLine($"alerting template render: {(value is null ? "missing value for" : "unknown flag")} {flag}\n\n{Usage}");
                return 2;
            }
            flags[flag[2..]] = value;
        }
        if (!flags.TryGetValue("template", out var template))
        {
            stderr.WriteLine($"alerting template render: --template is required\n\n{Usage}");
            return 2;
        }
        flags.TryGetValue("language", out var language);
        flags.TryGetValue("name", out var name);

        var renderer = new TemplateRenderer(new AlertingMetrics(), NullLogger<TemplateRenderer>.Instance, ChannelRegistry.Templates, options);
        try
        {
            ScribanSource source;
            if (File.Exists(template))
            {
                name ??= ChannelRegistry.Templates.Identify(template)?.Name;
                source = TemplatePreview.Source(renderer, File.ReadAllText(template), name, language, template);
            }
            else if (ChannelRegistry.Templates.Names.Contains(template))
            {
                source = TemplatePreview.Source(renderer, null, template, language, template);
            }
            else
            {
                stderr.WriteLine($"alerting template render: {template}: no such file, nor a template name ({string.Join(", ", ChannelRegistry.Templates.Names)})");
                return 1;
            }

            JsonElement? data = null;
            if (flags.TryGetValue("data", out var dataFile))
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(dataFile));
                data = doc.RootElement.Clone();
            }
            flags.TryGetValue("time-zone", out var zone);
            var model = TemplatePreview.Model(data, language, zone, TimeProvider.System.GetUtcNow(), "http://localhost:9093");

            var result = renderer.TryRender(source, model);
            if (result.Error is { } error)
            {
                stderr.WriteLine(error.Line > 0
                    ? $"{source.Path}:{error.Line}:{error.Column}: {error.Message}"
                    : $"{source.Path}: {error.Message}");
                return 1;
            }
            stdout.WriteLine(result.Text);
            return 0;
        }
        catch (TemplateInputException e)
        {
            stderr.WriteLine($"alerting template render: {e.Message}");
            return 1;
        }
        catch (JsonException e)
        {
            stderr.WriteLine($"alerting template render: --data: invalid JSON: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"alerting template render: {e.Message}");
            return 1;
        }
    }
}
