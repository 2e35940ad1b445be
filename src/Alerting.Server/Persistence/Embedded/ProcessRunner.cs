using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Alerting.Persistence.Embedded;

/// <summary>The outcome of one finished command.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Stdout and stderr together, trimmed, for error messages.</summary>
    public string Output
    {
        get
        {
            var output = new StringBuilder();
            if (!string.IsNullOrWhiteSpace(StandardOutput))
            {
                output.AppendLine(StandardOutput.Trim());
            }

            if (!string.IsNullOrWhiteSpace(StandardError))
            {
                output.AppendLine(StandardError.Trim());
            }

            return output.Length == 0 ? "(no output)" : output.ToString().TrimEnd();
        }
    }

    public ProcessResult EnsureSuccess(string what) =>
        Succeeded
            ? this
            : throw new EmbeddedPostgresException(
                $"{what} failed: `{Command}` exited with code {ExitCode}:{Environment.NewLine}{Output}");
}

/// <summary>Runs a command to completion with captured output and a hard timeout.</summary>
internal static class ProcessRunner
{
    // Output readers get this long after exit; a daemonised grandchild that kept our pipes must not hang us.
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(5);

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        CancellationToken ct,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var command = FormatCommand(fileName, arguments);
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Tools run as another user may not be able to enter our working directory.
            WorkingDirectory = Path.GetPathRoot(Path.GetTempPath()) ?? "/",
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new EmbeddedPostgresException($"Could not run `{command}`: {e.Message}", e);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            ct.ThrowIfCancellationRequested();
            var partial = new ProcessResult(command, -1, await Drain(stdout), await Drain(stderr));
            throw new EmbeddedPostgresException(
                $"`{command}` did not finish within {timeout.TotalSeconds:0} s:{Environment.NewLine}{partial.Output}");
        }

        return new ProcessResult(command, process.ExitCode, await Drain(stdout), await Drain(stderr));
    }

    private static async Task<string> Drain(Task<string> reader)
    {
        try
        {
            return await reader.WaitAsync(OutputDrainTimeout);
        }
        catch (TimeoutException)
        {
            return "(output not closed)";
        }
        catch (IOException)
        {
            return "(output unreadable)";
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Not ours to kill any more; nothing better to do.
        }
    }

    internal static string FormatCommand(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(fileName).Select(Quote));

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c, StringComparison.Ordinal))
            ? value
            : ShellQuote(value);

    /// <summary>Single-quotes a value for /bin/sh.</summary>
    internal static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
