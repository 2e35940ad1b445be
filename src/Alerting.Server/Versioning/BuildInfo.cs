using System.Reflection;
using System.Runtime.InteropServices;

namespace Alerting.Versioning;

/// <summary>
/// What this binary is: the version from Directory.Build.props and the stamp Alerting.Server.csproj's StampBuildInfo
/// target writes (git revision and branch, build user and date). Read by --version, /api/v2/status and
/// alertmanager_build_info.
/// </summary>
internal sealed record BuildInfo(string Version, string Revision, string Branch, string BuildUser, string BuildDate)
{
    public static BuildInfo Current { get; } = FromAssembly(typeof(BuildInfo).Assembly);

    /// <summary>The runtime, where Alertmanager names its Go version (the goversion label, "go version" line).</summary>
    public static string RuntimeVersion => $"dotnet{Environment.Version}";

    /// <summary>GOOS/GOARCH spelling, as Alertmanager's "platform" line: linux/amd64, linux/arm64.</summary>
    public static string Platform
    {
        get
        {
            var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows"
                : RuntimeInformation.OSDescription.ToLowerInvariant();
            var arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "amd64",
                Architecture.X86 => "386",
                Architecture.Arm64 => "arm64",
                Architecture.Arm => "arm",
                var other => other.ToString().ToLowerInvariant(),
            };
            return $"{os}/{arch}";
        }
    }

    internal static BuildInfo FromAssembly(Assembly assembly)
    {
        var stamp = assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Key.StartsWith("Alerting.", StringComparison.Ordinal))
            .ToDictionary(a => a.Key["Alerting.".Length..], a => a.Value ?? "");
        string Get(string key) => stamp.TryGetValue(key, out var value) ? value : "unknown";
        return new BuildInfo(Get("Version"), Get("Revision"), Get("Branch"), Get("BuildUser"), Get("BuildDate"));
    }

    /// <summary>The text of Alertmanager's --version (prometheus/common's version.Print), for <paramref name="program"/>.</summary>
    public string Print(string program) =>
        $"""
        {program}, version {Version} (branch: {Branch}, revision: {Revision})
          build user:       {BuildUser}
          build date:       {BuildDate}
          go version:       {RuntimeVersion}
          platform:         {Platform}
        """;
}
