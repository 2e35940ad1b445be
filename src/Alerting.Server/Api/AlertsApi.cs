using System.Runtime.CompilerServices;
using Alerting.Alerts;
using Alerting.Auth;
using Alerting.Core.Labels;
using Alerting.Core.Matching;
using Alerting.Grouping;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerting.Api;

/// <summary>Alerts in Alertmanager's API v2 (v1 is <see cref="V1Api"/>).</summary>
internal static class AlertsApi
{
    public static void MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/api/v2/alerts").WithTags("alert").ServerErrors();
        v2.MapPost("", PostV2).RequireAccess(Permission.Send).RequireJsonBody().LimitedAsIngestion()
            .WithName("postAlerts").WithSummary("Create new alerts").JsonBody(typeof(List<PostableAlert>), "The alerts to create");
        v2.MapGet("", List).RequireAccess(Permission.Read).WithName("getAlerts").WithSummary("Get a list of alerts").AlertFilters(unprocessed: true);
        v2.MapGet("/groups", Groups).RequireAccess(Permission.Read).WithName("getAlertGroups").AlertFilters(unprocessed: false)
            .WithSummary("Get a list of alert groups; ours adds each group's acknowledgement when it has one");
    }

    private static async Task<Results<Ok, BadRequest<string>>> PostV2(HttpRequest request, AlertIngestion ingestion, CancellationToken ct)
    {
        var errors = await ingestion.IngestAsync(request, v2: true, ct);
        return errors is null ? TypedResults.Ok() : TypedResults.BadRequest(errors);
    }

    private static async Task<Results<Ok<IEnumerable<GettableAlert>>, BadRequest<string>>> List(
        HttpRequest request, AlertQuery query, MatcherSyntax syntax, CancellationToken ct)
    {
        if (!TryParseFilters(request, syntax, out var filter, out var error))
        {
            return TypedResults.BadRequest(error);
        }
        var views = await query.ActiveAsync(ct, filter.Matchers);
        // Filtered here (a regular expression's error is still ours to answer), but made one at a time as the serializer
        // writes them: with 20k alerts a list of them all outlived the youngest generation (the soak, bench/findings.md).
        views.RemoveAll(view => !filter.Accepts(view));
        return TypedResults.Ok(views.Select(ToGettable));
    }

    private static async Task<Results<Ok<List<AlertGroup>>, BadRequest<string>>> Groups(
        HttpRequest request, AlertQuery query, Acknowledgements acknowledgements, MatcherSyntax syntax, CancellationToken ct)
    {
        if (!TryParseFilters(request, syntax, out var filter, out var error))
        {
            return TypedResults.BadRequest(error);
        }
        var views = await query.ActiveAsync(ct, filter.Matchers);
        // A group per route and group labels, as Alertmanager's dispatcher holds them: sibling routes with identical
        // matchers share the group key but list a group each.
        var groups = new Dictionary<Core.Routing.AggregationGroupId, (string Receiver, LabelSet Labels, List<GettableAlert> Alerts)>();
        foreach (var view in views)
        {
            if (!filter.Accepts(view))
            {
                continue;
            }
            var gettable = ToGettable(view);
            foreach (var route in view.Routes)
            {
                if (filter.Receiver is { } receiverRegex && !receiverRegex.IsMatch(route.Receiver, out _))
                {
                    continue;
                }
                var groupLabels = route.GroupLabels(view.Alert.Labels);
                var key = route.GroupId(groupLabels);
                if (!groups.TryGetValue(key, out var group))
                {
                    group = (route.Receiver, groupLabels, []);
                    groups[key] = group;
                }
                group.Alerts.Add(gettable);
            }
        }
        var acks = await acknowledgements.AllAsync(ct);
        var result = groups
            .OrderBy(g => g.Value.Labels.ToString(), StringComparer.Ordinal)
            .ThenBy(g => g.Value.Receiver, StringComparer.Ordinal)
            .ThenBy(g => g.Key.RouteId, StringComparer.Ordinal)
            .Select(g => new AlertGroup(g.Value.Alerts, ToDictionary(g.Value.Labels), new ReceiverName(g.Value.Receiver))
            {
                Acknowledgement = acks.TryGetValue(g.Key, out var ack) ? new Acknowledgement(ack.By ?? "", ack.At) : null,
            })
            .ToList();
        return TypedResults.Ok(result);
    }

    internal static GettableAlert ToGettable(AlertView view)
    {
        var a = view.Alert;
        // The label sets are read-only dictionaries in Prometheus' order already: serialized as they are, not copied.
        return new GettableAlert(
            a.Annotations,
            a.EndsAt,
            a.Labels.FingerprintHex,
            // One per matching route, as Alertmanager lists them: a receiver twice when two routes (continue) reach it.
            view.Routes.Count == 1 ? ReceiverOf.GetValue(view.Routes[0], static r => [new ReceiverName(r.Receiver)])
                : [.. view.Routes.Select(r => new ReceiverName(r.Receiver))],
            a.StartsAt,
            new AlertStatus(view.InhibitedBy, view.SilencedBy, view.State),
            a.UpdatedAt,
            a.GeneratorUrl.Length > 0 ? a.GeneratorUrl : null,
            a.Labels);
    }

    // Most alerts take one route: one receiver list per route, not one per alert and read. Weak: a reload replaces routes.
    private static readonly ConditionalWeakTable<Core.Routing.Route, IReadOnlyList<ReceiverName>> ReceiverOf = [];

    internal static Dictionary<string, string> ToDictionary(LabelSet labels) =>
        labels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Each <c>filter</c> is one matcher, parsed as Alertmanager's API parses it (compat.Matcher).</summary>
    private static bool TryParseFilters(HttpRequest request, MatcherSyntax syntax, out AlertFilter filter, out string error)
    {
        filter = null!;
        error = "";
        var q = request.Query;
        var matchers = new List<Matcher>();
        foreach (var f in q["filter"])
        {
            try
            {
                matchers.Add(syntax.ParseMatcher(f ?? "", "api"));
            }
            catch (MatcherException e)
            {
                error = e.Message;
                return false;
            }
        }
        BoundedRegex? receiver = null;
        if (ApiSpec.Last(q, "receiver") is { Length: > 0 } r)
        {
            try
            {
                receiver = BoundedRegex.Compile(r);
            }
            catch (MatcherException e)
            {
                error = $"failed to parse receiver param: {e.Message}";
                return false;
            }
        }
        // Every state flag defaults to true; unprocessed alerts do not exist here, so that flag changes nothing.
        filter = new AlertFilter(new Matchers(matchers), receiver, ApiSpec.Bool(q, "active", true), ApiSpec.Bool(q, "silenced", true),
            ApiSpec.Bool(q, "inhibited", true));
        return true;
    }

    private sealed record AlertFilter(Matchers Matchers, BoundedRegex? Receiver, bool Active, bool Silenced, bool Inhibited)
    {
        public bool Accepts(AlertView view)
        {
            if (Receiver is not null && !view.Receivers.Any(r => Receiver.IsMatch(r, out _)))
            {
                return false;
            }
            if (!Matchers.Matches(view.Alert.Labels))
            {
                return false;
            }
            if (!Active && !view.Suppressed)
            {
                return false;
            }
            if (!Silenced && view.SilencedBy.Count > 0)
            {
                return false;
            }
            return Inhibited || view.InhibitedBy.Count == 0;
        }
    }
}
