using Alerting.Channels;
using Alerting.Configuration;
using Alerting.Core.Configuration;
using Alerting.Core.Matching;
using Alerting.Persistence.Embedded;
using Alerting.Versioning;

namespace Alerting.Cli;

/// <summary>The <c>alerting</c> command: run the service, or one of its tool subcommands.</summary>
internal static class AlertingCli
{
    /// <param name="serve">Runs the service until it is asked to stop (the composition root's, given by Program).</param>
    public static async Task<int> RunAsync(string[] args, Func<ServerOptions, Task> serve)
    {
        if (args.Length > 0 && args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }
        if (args.Length > 0 && args[0] == "check-config")
        {
            return CheckConfig(args[1..], Console.Out, Console.Error);
        }
        if (args.Length > 0 && args[0] == "template")
        {
            return TemplateCommand.Run(args[1..], Console.Out, Console.Error);
        }
        if (args.Length > 0 && args[0] == "healthcheck")
        {
            return await HealthCheckCommand.RunAsync(args[1..], Console.Out, Console.Error);
        }
        if (args.Length > 0 && args[0] == "--version")
        {
            Console.WriteLine(BuildInfo.Current.Print("alerting"));
            return 0;
        }

        CommandLine.ParsedArguments parsed;
        try
        {
            parsed = CommandLine.Parse(args);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"alerting: error: {e.Message}\n\n{CommandLine.Usage}");
            return 2;
        }
        foreach (var warning in parsed.Warnings)
        {
            await Console.Error.WriteLineAsync($"warning: {warning}");
        }

        try
        {
            await serve(parsed.Options);
            return 0;
        }
        catch (ConfigException e)
        {
            await Console.Error.WriteLineAsync($"alerting: error loading configuration: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is EmbeddedPostgresException or UsageException)
        {
            await Console.Error.WriteLineAsync($"alerting: error: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// <c>alerting check-config [--enable-feature=…] FILE...</c>: validates each file and prints what it holds. As with
    /// amtool, --enable-feature chooses how label names and matchers are read (classic-mode, utf8-strict-mode).
    /// </summary>
    internal static int CheckConfig(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var mode = MatcherMode.Fallback;
        var files = new List<string>();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i].StartsWith("--enable-feature", StringComparison.Ordinal))
                {
                    var value = args[i].Contains('=', StringComparison.Ordinal) ? args[i][(args[i].IndexOf('=', StringComparison.Ordinal) + 1)..]
                        : i + 1 < args.Length ? args[++i] : throw new UsageException("flag --enable-feature needs a value");
                    var warnings = new List<string>();
                    mode = CommandLine.ParseFeatures(value, warnings);
                    warnings.ForEach(w => stderr.WriteLine($"warning: {w}"));
                }
                else
                {
                    files.Add(args[i]);
                }
            }
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"alerting: error: {e.Message}");
            return 2;
        }
        if (files.Count == 0)
        {
            stderr.WriteLine("usage: alerting check-config [--enable-feature=classic-mode|utf8-strict-mode] <file>...");
            return 2;
        }
        var failed = 0;
        foreach (var file in files)
        {
            stdout.WriteLine($"Checking '{file}'");
            try
            {
                // Builds what a start builds from it, the Go template files included, so their errors and warnings show here.
                var config = RuntimeConfig.From(ConfigLoader.LoadFile(file, ChannelRegistry.All, new MatcherSyntax(mode))).Config;
                stdout.WriteLine("  SUCCESS");
                stdout.WriteLine(ConfigSummary.Describe(config));
            }
            catch (ConfigException e)
            {
                stderr.WriteLine($"  FAILED: {e.Message}");
                failed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"  FAILED: {file}: {e.Message}");
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
