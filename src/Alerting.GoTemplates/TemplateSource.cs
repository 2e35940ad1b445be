namespace Alerting.GoTemplates;

/// <summary>Source of one template file: its path (for error messages) and text.</summary>
public sealed record TemplateSource(string Path, string Text);
