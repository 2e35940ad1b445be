namespace Alerting.GoTemplates;

/// <summary>Bounds of one execution: wall-clock time and output size (UTF-8 bytes).</summary>
public sealed record GoTemplateLimits(TimeSpan TimeBudget, int MaxOutputBytes)
{
    public static GoTemplateLimits Default { get; } = new(TimeSpan.FromSeconds(2), 1 << 20);
}
