using System.Text.RegularExpressions;
using Alerting.Core.Configuration;
using Alerting.Core.Labels;

namespace Alerting.Api;

/// <summary>
/// The checks go-swagger makes on Alertmanager's API v2 before a handler runs, with its answers: 422 and
/// <c>{"code":602,"message":"0.labels in body is required"}</c>. The first violation is reported, in the order
/// go-swagger checks (array elements in order, properties alphabetically).
/// </summary>
internal static partial class ApiSpec
{
    private const int InvalidFormat = 601;
    private const int Required = 602;
    private const int TooFewItems = 612;

    public static void CheckAlerts(IReadOnlyList<PostableAlert?> alerts)
    {
        for (var i = 0; i < alerts.Count; i++)
        {
            // A null element is skipped by the spec (and crashes Alertmanager's handler; ours refuses it as invalid).
            if (alerts[i] is not { } a)
            {
                continue;
            }
            if (!string.IsNullOrEmpty(a.GeneratorUrl) && !GoUrl.IsRequestUri(a.GeneratorUrl))
            {
                throw Format($"{i}.generatorURL", "body", "uri", a.GeneratorUrl);
            }
            if (a.Labels is null)
            {
                throw Missing($"{i}.labels");
            }
        }
    }

    /// <summary>A null body is a silence without any field.</summary>
    public static void CheckSilence(PostableSilence? s)
    {
        if (s?.Comment is null)
        {
            throw Missing("comment");
        }
        if (s.CreatedBy is null)
        {
            throw Missing("createdBy");
        }
        if (s.EndsAt is null)
        {
            throw Missing("endsAt");
        }
        if (s.Matchers is null)
        {
            throw Missing("matchers");
        }
        if (s.Matchers.Count == 0)
        {
            throw new UnprocessableException(TooFewItems, "matchers in body should have at least 1 items");
        }
        for (var i = 0; i < s.Matchers.Count; i++)
        {
            if (s.Matchers[i] is not { } m)
            {
                continue;
            }
            if (m.IsRegex is null)
            {
                throw Missing($"matchers.{i}.isRegex");
            }
            if (m.Name is null)
            {
                throw Missing($"matchers.{i}.name");
            }
            if (m.Value is null)
            {
                throw Missing($"matchers.{i}.value");
            }
        }
        if (s.StartsAt is null)
        {
            throw Missing("startsAt");
        }
    }

    /// <summary>The path parameter of <c>/silence/{silenceID}</c> must look like a UUID (strfmt's pattern).</summary>
    public static void CheckSilenceId(string id)
    {
        if (!Uuid().IsMatch(id))
        {
            throw Format("silenceID", "path", "uuid", id);
        }
    }

    /// <summary>
    /// go-openapi's boolean query parameters: the last value counts; empty means the default; a value is true
    /// when it is one of swag's words for true, false otherwise (so <c>active=maybe</c> is false, never an error).
    /// </summary>
    public static bool Bool(IQueryCollection query, string name, bool defaultValue)
    {
        var values = query[name];
        var raw = values.Count == 0 ? null : values[^1];
        if (string.IsNullOrEmpty(raw))
        {
            return defaultValue;
        }
        return raw.ToLowerInvariant() is "true" or "1" or "yes" or "ok" or "y" or "on" or "selected" or "checked" or "t" or "enabled";
    }

    /// <summary>go-openapi's single-valued query parameter: the last value given.</summary>
    public static string? Last(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count == 0 ? null : values[^1];
    }

    private static UnprocessableException Missing(string name) => new(Required, $"{name} in body is required");

    private static UnprocessableException Format(string name, string place, string format, string value) =>
        new(InvalidFormat, $"{name} in {place} must be of type {format}: {GoQuote.Quote(value)}");

    [GeneratedRegex("^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Uuid();
}

/// <summary>A request the API spec refuses: 422 with go-swagger's <c>{"code":…,"message":…}</c>.</summary>
internal sealed class UnprocessableException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
