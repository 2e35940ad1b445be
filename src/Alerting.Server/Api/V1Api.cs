using System.Text;
using Alerting.Alerts;
using Alerting.Auth;
using Alerting.Configuration;
using Alerting.Core.Matching;
using Alerting.Core.Notifications;

namespace Alerting.Api;

/// <summary>
/// Alertmanager 0.25's deprecated API v1, which dashboards and bots still read: the same routes, envelope
/// (<c>{"status":"success","data":…}</c>, <c>{"status":"error","errorType":"bad_data","error":…}</c>), CORS headers,
/// parameter rules and JSON (written as Go writes it) as 0.25's api/v1/api.go.
/// </summary>
internal static partial class V1Api
{
    private static readonly (string Name, string Value)[] s_cors =
    [
        ("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin"),
        ("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"),
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Expose-Headers", "Date"),
        ("Cache-Control", "no-cache, no-store, must-revalidate"),
    ];

    public static void MapV1Api(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/api/v1").WithTags("v1 (Alertmanager's API v1, removed in 0.27, kept for old clients)")
            .AddEndpointFilter(async (context, next) =>
        {
            foreach (var (name, value) in s_cors)
            {
                context.HttpContext.Response.Headers[name] = value;
            }
            return await next(context);
        });
        v1.MapMethods("/{**path}", ["OPTIONS"], () => Results.Ok()).ExcludeFromDescription(); // CORS preflight
        v1.MapGet("/status", Status).RequireAccess(Permission.Read).WithSummary("v1: status, with the configuration as YAML and JSON");
        v1.MapGet("/receivers", (ConfigHolder config) =>
            Success(Array(config.Current.Config.Receivers.Select(r => Str(r.Name))))).RequireAccess(Permission.Read).WithSummary("v1: receiver names");
        v1.MapGet("/alerts", ListAlerts).RequireAccess(Permission.Read).WithSummary("v1: list alerts (filter, receiver, silenced, inhibited, active)");
        v1.MapPost("/alerts", PostAlerts).RequireAccess(Permission.Send).RequireJsonBody().LimitedAsIngestion().WithSummary("v1: post alerts");
        v1.MapGet("/silences", ListSilences).RequireAccess(Permission.Read).WithSummary("v1: list silences");
        v1.MapPost("/silences", PostSilence).RequireAccess(Permission.Write).RequireJsonBody().WithSummary("v1: create or update a silence");
        v1.MapGet("/silence/{id}", GetSilence).RequireAccess(Permission.Read).WithSummary("v1: a silence by its ID");
        v1.MapDelete("/silence/{id}", DeleteSilence).RequireAccess(Permission.Write).WithSummary("v1: expire a silence");
    }

    private static IResult Status(ConfigHolder config, InstanceInfo instance)
    {
        var yaml = config.Current.Config.MaskedYaml;
        var sb = new StringBuilder("{\"configYAML\":");
        GoJson.WriteString(sb, yaml);
        sb.Append(",\"configJSON\":");
        YamlAsJson.Write(sb, yaml);
        // A Go map: keys in byte order.
        sb.Append(",\"versionInfo\":{\"branch\":").Append(Str(instance.Branch))
            .Append(",\"buildDate\":").Append(Str(instance.BuildDate))
            .Append(",\"buildUser\":").Append(Str(instance.BuildUser))
            .Append(",\"goVersion\":").Append(Str(Versioning.BuildInfo.RuntimeVersion))
            .Append(",\"revision\":").Append(Str(instance.Revision))
            .Append(",\"version\":").Append(Str(instance.Version))
            .Append("},\"uptime\":").Append(Str(GoJson.FormatTime(instance.StartedAt.ToUniversalTime())))
            .Append(",\"clusterStatus\":{\"name\":").Append(Str(instance.Name))
            .Append(",\"status\":\"ready\",\"peers\":[{\"name\":").Append(Str(instance.Name))
            .Append(",\"address\":").Append(Str(instance.Address)).Append("}]}}");
        return Success(sb.ToString());
    }

    private static async Task<IResult> ListAlerts(HttpRequest request, AlertQuery query, CancellationToken ct)
    {
        var form = request.Query;
        IReadOnlyList<Matcher> matchers = [];
        if (form["filter"].FirstOrDefault() is { Length: > 0 } filter)
        {
            try
            {
                matchers = MatcherParser.ParseList(filter);
            }
            catch (MatcherException e)
            {
                return BadData(e.Message);
            }
        }
        var flags = new bool[4];
        string[] names = ["active", "silenced", "inhibited", "unprocessed"];
        for (var i = 0; i < names.Length; i++)
        {
            var value = form[names[i]].FirstOrDefault() ?? "";
            if (value is not ("" or "true" or "false"))
            {
                return BadData($"parameter {GoQuote(names[i])} can either be 'true' or 'false', not {GoQuote(value)}");
            }
            flags[i] = value != "false";
        }
        BoundedRegex? receiver = null;
        if (form["receiver"].FirstOrDefault() is { Length: > 0 } receiverParam)
        {
            try
            {
                receiver = BoundedRegex.Compile(receiverParam);
            }
            catch (MatcherException)
            {
                return BadData($"failed to parse receiver param: {receiverParam}");
            }
        }

        var items = new List<string>();
        foreach (var view in await query.ActiveAsync(ct))
        {
            var receivers = view.Routes.Select(r => r.Receiver).ToList();
            if ((receiver is not null && !receivers.Any(r => receiver.IsMatch(r, out _)))
                || !SilencesApi.MatchesFilter(view.Alert.Labels, matchers)
                || (!flags[0] && !view.Suppressed)
                || (!flags[1] && view.SilencedBy.Count > 0)
                || (!flags[2] && view.InhibitedBy.Count > 0))
            {
                continue;
            }
            items.Add(AlertJson(view, receivers));
        }
        // Sorted by fingerprint, which ActiveAsync already does.
        return Success(Array(items));
    }

    private static string AlertJson(AlertView view, List<string> receivers)
    {
        var a = view.Alert;
        var sb = new StringBuilder("{\"labels\":");
        GoJson.WriteObject(sb, a.Labels);
        sb.Append(",\"annotations\":");
        GoJson.WriteObject(sb, a.Annotations);
        sb.Append(",\"startsAt\":").Append(Str(GoJson.FormatTime(a.StartsAt)))
            .Append(",\"endsAt\":").Append(Str(GoJson.FormatTime(a.EndsAt)))
            .Append(",\"generatorURL\":").Append(Str(a.GeneratorUrl))
            // A processed alert's empty lists are Go's nil slices: null.
            .Append(",\"status\":{\"state\":").Append(Str(view.State))
            .Append(",\"silencedBy\":").Append(view.SilencedBy.Count == 0 ? "null" : Array(view.SilencedBy.Select(Str)))
            .Append(",\"inhibitedBy\":").Append(view.InhibitedBy.Count == 0 ? "null" : Array(view.InhibitedBy.Select(Str)))
            .Append("},\"receivers\":").Append(Array(receivers.Select(Str)))
            .Append(",\"fingerprint\":").Append(Str(a.Labels.FingerprintHex)).Append('}');
        return sb.ToString();
    }

    private static async Task<IResult> PostAlerts(HttpRequest request, AlertIngestion ingestion, CancellationToken ct)
    {
        try
        {
            var errors = await ingestion.IngestAsync(request, v2: false, ct);
            return errors is null ? Success(null) : BadData(errors);
        }
        catch (BadInputException e)
        {
            return BadData(e.Message, e.StatusCode);
        }
    }

    /// <summary><c>{"status":"success"}</c>, with <c>data</c> when there is any (Go's omitempty).</summary>
    private static IResult Success(string? data) =>
        Json(data is null ? "{\"status\":\"success\"}" : $"{{\"status\":\"success\",\"data\":{data}}}", StatusCodes.Status200OK);

    private static IResult BadData(string error, int status = StatusCodes.Status400BadRequest) =>
        Json($"{{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":{Str(error)}}}", status);

    private static IResult Json(string body, int status) => Results.Text(body, "application/json", null, status);

    private static string Str(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        GoJson.WriteString(sb, s);
        return sb.ToString();
    }

    private static string GoQuote(string s) => Core.Labels.GoQuote.Quote(s);

    private static string Array(IEnumerable<string> items) => "[" + string.Join(",", items) + "]";
}
