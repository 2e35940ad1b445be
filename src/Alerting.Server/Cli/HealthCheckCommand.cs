namespace Alerting.Cli;

/// <summary>
/// <c>alerting healthcheck [--url=URL] [--timeout=5s]</c>: exits 0 when the URL answers 200, else 1. It is the image's
/// HEALTHCHECK, so the runtime image needs neither a shell nor curl.
/// </summary>
internal static class HealthCheckCommand
{
    public const string DefaultUrl = "http://127.0.0.1:9093/-/healthy";

    public const string Usage = """
        usage: alerting healthcheck [--url=http://127.0.0.1:9093/-/healthy] [--timeout=5s] [--insecure]

        Exits 0 when the URL answers 200 (use /-/ready for readiness), 1 when it answers anything else or not in time.
          --url        the health endpoint; include --web.route-prefix when one is set
          --timeout    how long to wait for the answer
          --insecure   accept any TLS certificate (a listener with --web.config.file, checked on 127.0.0.1)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var url = DefaultUrl;
        var timeout = TimeSpan.FromSeconds(5);
        var insecure = false;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                var (name, value) = args[i].Split('=', 2) is [var n, var v] ? (n, (string?)v) : (args[i], null);
                string Value() => value ?? (i + 1 < args.Length ? args[++i] : throw new UsageException($"flag {name} needs a value"));
                switch (name)
                {
                    case "--url":
                        url = Value();
                        break;
                    case "--timeout":
                        var text = Value();
                        timeout = Core.Configuration.Duration.TryParse(text, out var d, out _) && d > TimeSpan.Zero
                            ? d : throw new UsageException($"--timeout: \"{text}\" is not a positive duration such as 5s");
                        break;
                    case "--insecure":
                        insecure = true;
                        break;
                    case "-h" or "--help":
                        await stdout.WriteLineAsync(Usage);
                        return 0;
                    default:
                        throw new UsageException($"unexpected argument \"{args[i]}\"");
                }
            }
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new UsageException($"--url: \"{url}\" is not an http(s) URL");
            }
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"alerting healthcheck: {e.Message}\n\n{Usage}");
            return 2;
        }
        return await CheckAsync(new Uri(url), timeout, insecure, stdout, stderr);
    }

    private static async Task<int> CheckAsync(Uri url, TimeSpan timeout, bool insecure, TextWriter stdout, TextWriter stderr)
    {
        using var handler = new SocketsHttpHandler { UseProxy = false };
        if (insecure)
        {
#pragma warning disable CA5359 // Asked for with --insecure: a loopback check of a listener whose certificate names another host.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        using var client = new HttpClient(handler) { Timeout = timeout };
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode == System.Net.HttpStatusCode.OK)
            {
                await stdout.WriteLineAsync($"{url}: 200 OK");
                return 0;
            }
            await stderr.WriteLineAsync($"{url}: {(int)response.StatusCode} {response.ReasonPhrase}");
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await stderr.WriteLineAsync($"{url}: {(e is TaskCanceledException ? $"no answer within {timeout.TotalSeconds}s" : e.Message)}");
            return 1;
        }
    }
}
