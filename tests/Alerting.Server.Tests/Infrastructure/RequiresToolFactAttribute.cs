namespace Alerting.Infrastructure;

/// <summary>
/// A fact that needs an external program. Locally it is skipped when the program is missing;
/// under CI=true it runs anyway, so a missing tool fails the build instead of hiding a gap.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(string tool)
    {
        Tool = tool;
        if (Tools.Find(tool) is null && !Tools.InCi)
        {
            Skip = $"{tool} is not installed (apt-get install {Tools.PackageFor(tool)}); CI=true makes this a failure";
        }
    }

    public string Tool { get; }
}

public static class Tools
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

    public static string Require(string tool) =>
        Find(tool) ?? throw new InvalidOperationException($"{tool} is required but not installed (apt-get install {PackageFor(tool)})");

    public static string PackageFor(string tool) => tool switch
    {
        "amtool" => "prometheus-alertmanager",
        "promtool" or "prometheus" => "prometheus",
        _ => tool,
    };
}
