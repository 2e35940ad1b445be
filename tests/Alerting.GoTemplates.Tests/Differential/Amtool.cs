using System.Diagnostics;

namespace Alerting.GoTemplates.Differential;

/// <summary>Runs <c>amtool template render</c> 0.25 for one case, in a directory of its own.</summary>
public static class Amtool
{
    /// <summary>Where the alertmanager package installs Alertmanager's own templates (Debian's amtool does not embed them).</summary>
    public const string DefaultTemplates = "/usr/share/prometheus/alertmanager";

    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, "amtool"))
            .FirstOrDefault(File.Exists);

    /// <summary>The rendered text, or the error text (amtool's "amtool: error: " prefix removed).</summary>
    public static async Task<Rendered> RenderAsync(string amtool, TemplateCase c, string baseDir)
    {
        var dir = Directory.CreateTempSubdirectory("amtool-case-").FullName;
        try
        {
            var psi = new ProcessStartInfo(amtool)
            {
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("template");
            psi.ArgumentList.Add("render");
            psi.ArgumentList.Add($"--template.glob={DefaultTemplates}/default.tmpl");
            psi.ArgumentList.Add($"--template.glob={DefaultTemplates}/email.tmpl");
            foreach (var f in c.Files)
            {
                var copy = Path.Combine(dir, f);
                File.Copy(Path.Combine(baseDir, "Files", f), copy);
                psi.ArgumentList.Add($"--template.glob={copy}");
            }
            psi.ArgumentList.Add("--template.text=" + c.Text);
            if (c.Data is not null)
            {
                var copy = Path.Combine(dir, c.Data);
                File.Copy(Path.Combine(baseDir, "Data", c.Data), copy);
                psi.ArgumentList.Add($"--template.data={copy}");
            }
            if (c.Html)
            {
                psi.ArgumentList.Add("--template.type=html");
            }
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("amtool did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var error = (await stderr).Trim();
            const string prefix = "amtool: error: ";
            return process.ExitCode == 0
                ? new Rendered(await stdout, null)
                : new Rendered(null, error.StartsWith(prefix, StringComparison.Ordinal) ? error[prefix.Length..] : error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>A rendering: the output, or the error message.</summary>
public sealed record Rendered(string? Output, string? Error)
{
    public override string ToString() => Error is null ? $"output {Output}" : $"error {Error}";
}
