using System.Text.Json;
using Alerting.Configuration;
using Alerting.GoTemplates;

namespace Alerting.Cli;

/// <summary>
/// <c>alerting template render --template.glob=... --template.text=... [--template.data=FILE] [--template.type=text|html]</c>:
/// <c>amtool template render</c> (0.25) over our Go template engine. Alertmanager's default.tmpl and email.tmpl are
/// always loaded first, then the files of every glob; without data, amtool's built-in example is rendered. The
/// output goes to stdout as it is, with no newline added; an error goes to stderr and the exit status is 1.
/// </summary>
internal static class GoTemplateRender
{
    public const string Usage = """
        usage: alerting template render --template.text=TEXT [--template.glob=GLOB ...] [--template.data=FILE] [--template.type=text|html]

        Renders a Go template as amtool template render does (Alertmanager's templates, a receiver's inline fields):

          --template.glob  template files to load (repeat the flag for more); Alertmanager's own are always loaded
          --template.text  the Go template to render
          --template.data  template.Data as JSON (Alertmanager's webhook payload will do); amtool's example when omitted
          --template.type  text (default) or html (html/template's escaping, as the email html field)
        """;

    /// <summary>Whether the arguments are amtool's (<c>--template.text</c> and the like) rather than the Scriban ones.</summary>
    public static bool Applies(IEnumerable<string> args) => args.Any(a => a.StartsWith("--template.", StringComparison.Ordinal));

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TimeProvider? time = null)
    {
        var globs = new List<string>();
        string? text = null;
        string? dataFile = null;
        var type = "text";
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var (flag, value) = eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, i + 1 < args.Count ? args[++i] : null);
            if (value is null)
            {
                return Fail(stderr, $"expected argument for flag '{flag}'");
            }
            switch (flag)
            {
                case "--template.glob":
                    globs.Add(value);
                    break;
                case "--template.text":
                    text = value;
                    break;
                case "--template.data":
                    dataFile = value;
                    break;
                case "--template.type" when value is "text" or "html":
                    type = value;
                    break;
                case "--template.type":
                    return Fail(stderr, $"enum value must be one of html,text, got '{value}'");
                default:
                    return Fail(stderr, $"unknown long flag '{flag}'\n\n{Usage}");
            }
        }
        if (text is null)
        {
            return Fail(stderr, "required flag --template.text not provided");
        }

        try
        {
            var set = Load(globs);
            var data = dataFile is null ? AmtoolData.Example((time ?? TimeProvider.System).GetUtcNow()) : AmtoolData.FromJson(Read(dataFile));
            stdout.Write(type == "html" ? set.ExecuteHtml(text, data) : set.ExecuteText(text, data));
            return 0;
        }
        catch (GoTemplateException e)
        {
            return Fail(stderr, e.Message);
        }
        catch (JsonException e)
        {
            return Fail(stderr, $"--template.data: invalid JSON: {e.Message}");
        }
        catch (CommandException e)
        {
            return Fail(stderr, e.Message);
        }
    }

    /// <summary>template.FromGlobs: every glob's files in order, each a Go template file (our Scriban files are skipped).</summary>
    private static GoTemplateSet Load(IEnumerable<string> globs)
    {
        var sources = new List<TemplateSource>();
        foreach (var path in globs.SelectMany(TemplateGlobs.Expand))
        {
            if (!path.EndsWith(Templating.TemplateFiles.Extension, StringComparison.OrdinalIgnoreCase))
            {
                sources.Add(new TemplateSource(path, Read(path)));
            }
        }
        return GoTemplateSet.Load(sources);
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"open {path}: {e.Message}");
        }
    }

    /// <summary>As amtool (kingpin) reports any error: one line on stderr, exit status 1.</summary>
    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"alerting: error: {message}");
        return 1;
    }

    private sealed class CommandException(string message) : Exception(message);
}
