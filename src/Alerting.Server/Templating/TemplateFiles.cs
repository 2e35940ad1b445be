namespace Alerting.Templating;

/// <summary>Scriban template file names: <c>NAME[.LANGUAGE].sbn</c>; other files of the <c>templates:</c> globs are Go templates.</summary>
internal static class TemplateFiles
{
    public const string Extension = ".sbn";
}
