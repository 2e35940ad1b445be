using Alerting.Core.Configuration;
using Alerting.GoTemplates;

namespace Alerting.Configuration;

/// <summary>
/// The Go templates of the config's <c>templates:</c> globs, after Alertmanager's own default.tmpl and
/// email.tmpl, as template.FromGlobs loads them. Every matched file but our Scriban ones (<c>*.sbn</c>) is a
/// Go template, whatever its extension, as in Alertmanager.
/// </summary>
internal static class GoTemplateFiles
{
    private const string ScribanExtension = ".sbn";

    /// <summary>A file that does not parse or cannot be read fails the load, as in Alertmanager.</summary>
    public static GoTemplateSet Load(IReadOnlyList<string> globs)
    {
        if (globs.Count == 0)
        {
            return GoTemplateSet.Default;
        }
        var sources = new List<TemplateSource>();
        foreach (var path in globs.SelectMany(TemplateGlobs.Expand))
        {
            if (path.EndsWith(ScribanExtension, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            try
            {
                sources.Add(new TemplateSource(path, File.ReadAllText(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException([new ConfigError(path, 0, "templates", $"cannot read template file: {e.Message}")]);
            }
        }
        try
        {
            return GoTemplateSet.Load(sources);
        }
        catch (GoTemplateParseException e)
        {
            throw new ConfigException([new ConfigError(e.Path, e.Line, "templates", e.Message)]);
        }
    }
}
