using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Alerting.Core.Infrastructure;
using Alerting.Core.Labels;
using Alerting.Infrastructure;
using Alerting.Links;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Alerting.Api;

/// <summary>
/// The fuzz targets beyond JSON bodies: seeded mutations of the headers an unauthenticated caller controls (Grafana's
/// signature and timestamp, Authorization, Content-Type, Origin, Sec-Fetch-Site) and of the form fields and tokens of
/// the action pages and the login form. None may answer 5xx or log an error.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HeaderAndFormFuzzTests(ITestOutputHelper output)
{
    private const int Parallelism = 8;

    private const string Config = AlertingTestHost.AuthConfig + "\n" + """
          grafana:
            sources:
              - name: signed
                hmac_secret: hmac-key
                timestamp_header: X-Grafana-Alerting-Signature-Timestamp
        """;

    private static int Cases => Math.Max(200, Mutator.Cases / 5);

    private static readonly string[] s_headerSeeds =
    [
        "1764000000", "253402300800", "-1", "9223372036854775807", "0x10", "1e9",
        "Bearer reader-token", "Basic b3BlcmF0b3I6b3AtcGFzcw==", "Basic ===", "Bearer",
        "application/json", "application/json; charset=utf-8", "text/plain", "multipart/form-data; boundary=",
        "https://evil.example", "null", "cross-site", "same-origin", "none",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ];

    private static readonly string[] s_headerNames =
    [
        "X-Grafana-Alerting-Signature-Timestamp", "X-Grafana-Alerting-Signature", "Authorization", "Origin", "Sec-Fetch-Site",
    ];

    [Fact]
    public async Task Mutated_headers_never_cause_a_5xx()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await AlertingTestHost.StartAsync(Config, logs: logs);
        logs.Clear();
        var body = """{"alerts":[{"status":"firing","labels":{"alertname":"H"}}]}""";
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Cases), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, ct) =>
        {
            var mutator = new Mutator(Mutator.Seed, i);
            var path = mutator.Pick(new[] { "api/grafana/alerts/signed", "api/grafana/alerts", "api/grafana/alerts/nosuch", "api/v2/alerts", "api/v2/silences", "-/reload" });
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
            var contentType = Sendable(mutator.Random.Next(3) == 0 ? mutator.MutateText(mutator.Pick(s_headerSeeds)) : "application/json");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            var sent = new List<string> { $"Content-Type: {contentType}" };
            foreach (var name in s_headerNames.Where(_ => mutator.Random.Next(2) == 0))
            {
                var value = Sendable(mutator.Random.Next(4) == 0 ? mutator.Pick(s_headerSeeds) : mutator.MutateText(mutator.Pick(s_headerSeeds)));
                request.Headers.TryAddWithoutValidation(name, value);
                sent.Add($"{name}: {value}");
            }
            var status = await SendAsync(host, request, ct);
            if (status is >= 500 or 0)
            {
                failures.Add($"case {i}: {status} for POST /{path} with {string.Join("; ", sent)}");
            }
        });
        output.WriteLine($"header fuzz (seed {Mutator.Seed}): {Cases} cases, {failures.Count} 5xx or no answer, {logs.Errors.Count} errors logged");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        Assert.True(logs.Errors.Count == 0, string.Join("\n", logs.Errors.Take(5)));
    }

    [Fact]
    public async Task Mutated_form_fields_and_link_tokens_never_cause_a_5xx()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await AlertingTestHost.StartAsync(Config, logs: logs);
        var links = await host.Server.Services.GetRequiredService<LinkSigner>().ForGroupAsync(
            "{}:{alertname=\"F\"}", "default", LabelSet.From(("alertname", "F")), host.BaseAddress.ToString(), CancellationToken.None);
        string[] tokens = [.. new[] { links.View, links.Silence1h, links.Acknowledge }.Select(l => new Uri(l).Segments[^1])];
        string[] names = ["Ana", "😀😀", new string('n', 99) + "😀", "a\0b", "\uD800", "<script>", new string('x', 5000), ""];
        logs.Clear();
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Cases), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, ct) =>
        {
            var mutator = new Mutator(Mutator.Seed, i);
            var login = mutator.Random.Next(4) == 0;
            var token = mutator.Random.Next(3) == 0 ? mutator.Pick(tokens) : mutator.MutateText(mutator.Pick(tokens));
            var path = login ? "login" : "action/" + Uri.EscapeDataString(token);
            var fields = login
                ? new Dictionary<string, string> { ["username"] = Field(mutator, names), ["password"] = Field(mutator, names), ["token"] = Field(mutator, names), ["returnUrl"] = Field(mutator, names) }
                : new Dictionary<string, string> { ["name"] = Field(mutator, names), ["token"] = mutator.Pick(tokens) };
            using var request = new HttpRequestMessage(mutator.Random.Next(5) == 0 ? HttpMethod.Get : HttpMethod.Post, path)
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join("&", fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Escape(f.Value)}")))),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            var status = await SendAsync(host, request, ct);
            if (status is >= 500 or 0)
            {
                failures.Add($"case {i}: {status} for {request.Method} /{Mutator.Shorten(path)} with {Mutator.Shorten(string.Join("&", fields.Select(f => $"{f.Key}={f.Value}")))}");
            }
        });
        output.WriteLine($"form fuzz (seed {Mutator.Seed}): {Cases} cases, {failures.Count} 5xx or no answer, {logs.Errors.Count} errors logged");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        Assert.True(logs.Errors.Count == 0, string.Join("\n", logs.Errors.Take(5)));
    }

    private static string Field(Mutator mutator, string[] seeds) =>
        mutator.Random.Next(3) == 0 ? mutator.Pick(seeds) : mutator.MutateText(mutator.Pick(seeds));

    /// <summary>Percent-encodes UTF-16 units one by one, so unpaired surrogates reach the server as the bytes a bad client sends.</summary>
    private static string Escape(string value)
    {
        try
        {
            return Uri.EscapeDataString(value);
        }
        catch (UriFormatException)
        {
            return string.Concat(value.Select(c => char.IsSurrogate(c) ? "%ED%A0%80" : Uri.EscapeDataString(c.ToString())));
        }
    }

    /// <summary>What HttpClient will put on the wire: no CR, LF or NUL, ASCII only.</summary>
    private static string Sendable(string value) =>
        new([.. value.Select(c => c is '\r' or '\n' or '\0' || c > '\u007e' ? '?' : c)]);

    private static async Task<int> SendAsync(AlertingTestHost host, HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            using var response = await host.Client.SendAsync(request, timeout.Token);
            return (int)response.StatusCode;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return 0;
        }
    }
}
