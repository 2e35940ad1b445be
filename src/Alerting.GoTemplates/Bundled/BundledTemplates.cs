using System.Reflection;

namespace Alerting.GoTemplates;

/// <summary>Alertmanager 0.25's default.tmpl and email.tmpl, embedded byte for byte (see NOTICE).</summary>
internal static class BundledTemplates
{
    public static IReadOnlyList<TemplateSource> All { get; } = [Read("default.tmpl"), Read("email.tmpl")];

    private static TemplateSource Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Alerting.GoTemplates.Bundled." + name)
            ?? throw new InvalidOperationException("missing embedded template " + name);
        using var reader = new StreamReader(stream);
        return new TemplateSource(name, reader.ReadToEnd());
    }
}
