using System.Diagnostics;
using System.Text.RegularExpressions;
using Alerting.Infrastructure;

namespace Alerting.Versioning;

public sealed partial class BuildInfoTests
{
    /// <summary>The <c>&lt;Version&gt;</c> of Directory.Build.props.</summary>
    internal static string ProjectVersion() =>
        VersionElement().Match(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "Directory.Build.props"))).Groups[1].Value;

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    [Fact]
    public void The_version_is_the_one_in_Directory_Build_props()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", ProjectVersion());
        Assert.Equal(ProjectVersion(), BuildInfo.Current.Version);
    }

    [Fact]
    public void The_revision_and_branch_are_the_checkout_s()
    {
        var head = Git("rev-parse", "HEAD");
        if (head is null)
        {
            // Built outside git (a source tarball): the stamp says so instead of inventing one.
            Assert.Equal("unknown", BuildInfo.Current.Revision);
            return;
        }
        Assert.Equal(head, BuildInfo.Current.Revision);
        Assert.Equal(Git("rev-parse", "--abbrev-ref", "HEAD"), BuildInfo.Current.Branch);
    }

    [Fact]
    public void Version_text_is_laid_out_as_Alertmanager_s()
    {
        var text = new BuildInfo("1.2.3", "abc123", "main", "root@builder", "20260101-12:00:00").Print("alerting");
        // The lines and alignment of `alertmanager --version` (prometheus/common's version.Print).
        Assert.Equal($"""
            alerting, version 1.2.3 (branch: main, revision: abc123)
              build user:       root@builder
              build date:       20260101-12:00:00
              go version:       dotnet{Environment.Version}
              platform:         {BuildInfo.Platform}
            """, text);
        Assert.Matches("^(linux|darwin|windows)/(amd64|arm64|386|arm)$", BuildInfo.Platform);
    }

    [RequiresToolFact("amtool")]
    public void The_version_text_has_amtool_s_shape()
    {
        // amtool 0.25 prints with the same template as alertmanager; the labels up to the colon and the column match.
        var amtool = Run("amtool", "--version");
        static IEnumerable<string> Shape(string text) => text.TrimEnd().Split('\n').Select(l => Regex.Replace(l, ":( +).*", ":$1|").Replace("amtool", "X", StringComparison.Ordinal));
        var ours = BuildInfo.Current.Print("X");
        Assert.Equal(Shape(amtool).Skip(1), Shape(ours).Skip(1));
        Assert.Matches(@"^X, version \S+ \(branch: \S+, revision: \S+\)$", ours.Split('\n')[0]);
    }

    private static string? Git(params string[] args)
    {
        try
        {
            var output = Run("git", args);
            return output.Trim();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestEnvironment.RepositoryRoot };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout : throw new InvalidOperationException($"{file} exited {process.ExitCode}");
    }
}
