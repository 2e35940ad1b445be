using Alerting.GoTemplates.Parsing;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Escaping;

/// <summary>An html/template escaping error ("html/template:NAME:LINE:COL: ...").</summary>
internal sealed class EscapeException(string message) : Exception(message);

internal static class HtmlEscaper
{
    public static Tree Escape(Dictionary<string, Tree> templates, Tree root) => root;
}

internal static class HtmlEscapers
{
    public static IReadOnlyDictionary<string, GoFunc> All { get; } = new Dictionary<string, GoFunc>();
}
