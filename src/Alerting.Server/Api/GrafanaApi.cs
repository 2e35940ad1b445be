using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alerting.Auth;
using Alerting.Configuration;
using Alerting.Core.Alerts;
using Alerting.Core.Configuration;
using Alerting.Core.Matching;
using Alerting.Persistence;

namespace Alerting.Api;

/// <summary>
/// Grafana's webhook contact point (payload version "1"). Each Grafana alert becomes an alert of ours;
/// Grafana's links are kept for messages. Optional per-source authentication: bearer token, basic auth,
/// and Grafana's HMAC-SHA256 body signature with an optional timestamp.
/// </summary>
internal static class GrafanaApi
{
    public static void MapGrafanaApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/grafana/alerts").LimitedAsIngestion().RequireJsonBody().WithTags("grafana (ours)")
            .JsonBody(typeof(GrafanaPayload), "Grafana's webhook payload (version 1)");
        group.MapMethods("", ["POST", "PUT"], (HttpRequest r, GrafanaIngestion i, CancellationToken ct) => i.IngestAsync(r, null, ct))
            .WithSummary("Ours: Grafana's webhook contact point; each Grafana alert becomes an alert");
        group.MapMethods("/{source}", ["POST", "PUT"], (HttpRequest r, string source, GrafanaIngestion i, CancellationToken ct) => i.IngestAsync(r, source, ct))
            .WithSummary("Ours: Grafana's webhook contact point for a configured source, with that source's authentication");
    }
}

internal sealed record GrafanaPayload(
    [property: JsonPropertyName("receiver")] string? Receiver,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("orgId")] long? OrgId,
    [property: JsonPropertyName("alerts")] List<GrafanaAlert?>? Alerts,
    [property: JsonPropertyName("externalURL")] string? ExternalUrl,
    [property: JsonPropertyName("version")] string? Version);

internal sealed record GrafanaAlert(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("labels")] Dictionary<string, string?>? Labels,
    [property: JsonPropertyName("annotations")] Dictionary<string, string?>? Annotations,
    [property: JsonPropertyName("startsAt")] DateTimeOffset? StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset? EndsAt,
    [property: JsonPropertyName("generatorURL")] string? GeneratorUrl,
    [property: JsonPropertyName("fingerprint")] string? Fingerprint,
    [property: JsonPropertyName("silenceURL")] string? SilenceUrl,
    [property: JsonPropertyName("dashboardURL")] string? DashboardUrl,
    [property: JsonPropertyName("panelURL")] string? PanelUrl,
    [property: JsonPropertyName("values")] JsonElement? Values,
    [property: JsonPropertyName("valueString")] string? ValueString);

internal sealed class GrafanaIngestion(AlertIngestion ingestion, ConfigHolder config, TimeProvider time)
{
    /// <summary>
    /// Grafana re-sends a firing alert only every repeat interval (4h by default), not every minute as
    /// Prometheus does, so its firing alerts must not time out after resolve_timeout. Grafana sends a
    /// resolved notification when the alert ends; this only bounds alerts whose resolution was lost.
    /// </summary>
    internal static readonly TimeSpan GrafanaResolveTimeout = TimeSpan.FromHours(24);

    public async Task<IResult> IngestAsync(HttpRequest request, string? sourceName, CancellationToken ct)
    {
        var runtime = config.Current;
        var grafana = runtime.Config.Server.Grafana;
        var body = await ReadBodyAsync(request, ct);

        var now = time.GetUtcNow();
        var source = sourceName is null ? null : grafana.Sources.FirstOrDefault(s => s.Name == sourceName);
        var authorized = source is not null
            ? Authenticate(source, request, body, now)
            : grafana.Sources.Count > 0
                ? grafana.Sources.Any(s => Authenticate(s, request, body, now))
                : SendRoleAllows(request, runtime.Config.Server.Auth);
        if (authorized && sourceName is not null && source is null)
        {
            // Only a caller who passes some check learns which source names exist.
            return TypedResults.NotFound($"no Grafana source named \"{sourceName}\" is configured");
        }
        if (!authorized)
        {
            return TypedResults.Text("unauthorized: credentials or signature do not match a configured Grafana source", statusCode: StatusCodes.Status401Unauthorized);
        }

        GrafanaPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<GrafanaPayload>(body, ApiJson.Options);
        }
        catch (JsonException e)
        {
            throw new BadInputException($"invalid Grafana payload{(e.Path is { Length: > 0 } p ? " at " + p : "")}: {e.Message.Split(" Path:")[0]}");
        }
        if (payload?.Alerts is null)
        {
            throw new BadInputException("invalid Grafana payload: \"alerts\" must be an array");
        }
        var limits = runtime.Config.Server.Limits.ToInputLimits();
        if (payload.Alerts.Count > limits.MaxAlertsPerRequest)
        {
            throw new BadInputException($"too many alerts in one request: {payload.Alerts.Count} (limit {limits.MaxAlertsPerRequest})", StatusCodes.Status413PayloadTooLarge);
        }

        var resolveTimeout = GrafanaResolveTimeout;
        var valid = new List<StoredAlert>();
        var errors = new List<string>();
        for (var i = 0; i < payload.Alerts.Count; i++)
        {
            var g = payload.Alerts[i];
            var problems = new List<string>();
            Alert? alert = null;
            if (g is null)
            {
                problems.Add("alert is null");
            }
            else
            {
                var resolved = string.Equals(g.Status, "resolved", StringComparison.OrdinalIgnoreCase);
                // A resolved alert without an end time ends now: it must resolve ours.
                var endsAt = resolved && AlertConversion.Normalize(g.EndsAt) == default ? now : g.EndsAt;
                alert = AlertConversion.ToAlert(SanitizeNames(g.Labels, ingestion.Syntax), SanitizeNames(g.Annotations, ingestion.Syntax), g.StartsAt, endsAt, g.GeneratorUrl, now, resolveTimeout, limits, ingestion.Syntax, problems);
                if (alert is not null && !ExtrasAreText(g, payload))
                {
                    problems.Add("Grafana's links or values are not valid UTF-8 or contain a NUL character");
                    alert = null;
                }
            }
            if (alert is null)
            {
                errors.Add($"alert {i}: {string.Join("; ", problems)}");
                continue;
            }
            valid.Add(new StoredAlert(alert, "grafana", Extra(g!, payload)));
        }

        return await ingestion.StoreAsync(valid, errors, now, ct) is { } rejected
            ? TypedResults.BadRequest(rejected)
            : TypedResults.Ok(new { status = "success", received = valid.Count });
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new BadInputException("request body too large", StatusCodes.Status413PayloadTooLarge);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Without Grafana sources the endpoint takes a send (or write) credential once <c>server.auth.send</c>
    /// is set. With only <c>write</c> set it stays open, as it was before the send role existed.
    /// </summary>
    private static bool SendRoleAllows(HttpRequest request, AuthConfig auth) =>
        auth.Send.IsOpen || ApiAuth.Allowed(request, auth, Permission.Send);

    /// <summary>Every method a source configures must pass; a source with none configured accepts all.</summary>
    internal static bool Authenticate(GrafanaSource source, HttpRequest request, byte[] body, DateTimeOffset now)
    {
        var header = request.Headers.Authorization.ToString();
        AuthenticationHeaderValue.TryParse(header, out var auth);
        if (source.BearerToken is { Length: > 0 } token)
        {
            if (auth is null || !auth.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || auth.Parameter is null
                || !ApiAuth.FixedTimeEquals(token, auth.Parameter))
            {
                return false;
            }
        }
        if (source.BasicAuth is { } basic)
        {
            var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.Username}:{basic.Password}"));
            if (auth is null || !auth.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || auth.Parameter is null
                || !ApiAuth.FixedTimeEquals(expected, auth.Parameter))
            {
                return false;
            }
        }
        if (source.HmacSecret is { Length: > 0 } secret)
        {
            var signature = request.Headers[source.HmacHeader].ToString().Trim();
            byte[] signed = body;
            if (source.TimestampHeader is { Length: > 0 } tsHeader)
            {
                var ts = request.Headers[tsHeader].ToString();
                // Compared as numbers: a timestamp past year 9999 cannot be a DateTimeOffset.
                if (!long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                    || Math.Abs((double)seconds - now.ToUnixTimeSeconds()) > source.MaxSkew.TotalSeconds)
                {
                    return false; // missing, malformed, or outside the allowed clock skew (replay)
                }
                signed = [.. Encoding.UTF8.GetBytes(ts + ":"), .. body];
            }
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Grafana allows label names classic mode does not (spaces, say); there they are mapped rather than the alert
    /// dropped. UTF-8 names (the default mode) are kept as they are.
    /// </summary>
    private static Dictionary<string, string?>? SanitizeNames(Dictionary<string, string?>? pairs, MatcherSyntax syntax)
    {
        if (pairs is null || syntax.Mode != MatcherMode.Classic)
        {
            return pairs;
        }
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            var sb = new StringBuilder(name.Length);
            foreach (var c in name)
            {
                sb.Append(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' ? c : '_');
            }
            if (sb.Length == 0 || char.IsAsciiDigit(sb[0]))
            {
                sb.Insert(0, '_');
            }
            result.TryAdd(sb.ToString(), value);
        }
        return result;
    }

    /// <summary>What <see cref="Extra"/> keeps must be storable text (jsonb cannot hold U+0000).</summary>
    private static bool ExtrasAreText(GrafanaAlert g, GrafanaPayload payload) =>
        new[] { g.Fingerprint, g.SilenceUrl, g.DashboardUrl, g.PanelUrl, g.ValueString, payload.ExternalUrl }
            .All(s => s is null || Core.Labels.LabelName.IsValidText(s))
        && (g.Values is not { } values || IsText(values));

    private static bool IsText(JsonElement e)
    {
        try
        {
            return e.ValueKind switch
            {
                JsonValueKind.String => Core.Labels.LabelName.IsValidText(e.GetString()!),
                JsonValueKind.Array => e.EnumerateArray().All(IsText),
                JsonValueKind.Object => e.EnumerateObject().All(p => Core.Labels.LabelName.IsValidText(p.Name) && IsText(p.Value)),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") cannot even be read as a string.
            return false;
        }
    }

    private static string Extra(GrafanaAlert g, GrafanaPayload payload)
    {
        var extra = new Dictionary<string, object?>
        {
            ["fingerprint"] = g.Fingerprint,
            ["silenceURL"] = g.SilenceUrl,
            ["dashboardURL"] = g.DashboardUrl,
            ["panelURL"] = g.PanelUrl,
            ["valueString"] = g.ValueString,
            ["values"] = g.Values,
            ["orgId"] = payload.OrgId,
            ["externalURL"] = payload.ExternalUrl,
        };
        return JsonSerializer.Serialize(extra.Where(kv => kv.Value is not null).ToDictionary());
    }
}
