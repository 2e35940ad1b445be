using Alerting.Auth;
using Alerting.Core.Labels;
using Alerting.Core.Matching;
using Alerting.Core.Silences;
using Alerting.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace Alerting.Api;

/// <summary>Silences in Alertmanager's API v2.</summary>
internal static class SilencesApi
{
    public static void MapSilencesApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/api/v2").WithTags("silence").ServerErrors();
        v2.MapGet("/silences", List).RequireAccess(Permission.Read).WithName("getSilences").WithSummary("Get a list of silences")
            .Query("filter", JsonSchemaType.String, "A list of matchers to filter silences by", array: true);
        v2.MapPost("/silences", Post).RequireAccess(Permission.Write).RequireJsonBody().WithName("postSilences")
            .WithSummary("Post a new silence or update an existing one").JsonBody(typeof(PostableSilence), "The silence to create");
        // Alertmanager's name for the path parameter, so that the document matches its spec.
        v2.MapGet("/silence/{silenceID}", Get).RequireAccess(Permission.Read).WithName("getSilence").WithSummary("Get a silence by its ID");
        v2.MapDelete("/silence/{silenceID}", Delete).RequireAccess(Permission.Write).WithName("deleteSilence")
            .WithSummary("Delete (expire) a silence by its ID");
    }

    private static async Task<Results<Ok<List<GettableSilence>>, BadRequest<string>>> List(
        HttpRequest request, SilenceStore store, TimeProvider time, MatcherSyntax syntax, CancellationToken ct)
    {
        var filters = new List<Matcher>();
        foreach (var f in request.Query["filter"])
        {
            try
            {
                filters.Add(syntax.ParseMatcher(f ?? "", "api"));
            }
            catch (MatcherException e)
            {
                return TypedResults.BadRequest(e.Message);
            }
        }
        var now = time.GetUtcNow();
        var silences = (await store.ListAsync(ct)).Where(s => MatchesFilter(s, filters)).ToList();
        return TypedResults.Ok(Sort(silences, now).Select(s => ToGettable(s, now)).ToList());
    }

    private static async Task<Results<Ok<GettableSilence>, NotFound>> Get([FromRoute(Name = "silenceID")] string id, SilenceStore store, TimeProvider time, CancellationToken ct)
    {
        ApiSpec.CheckSilenceId(id);
        if (Canonical(id) is not { } guid || await store.GetAsync(guid, ct) is not { } silence)
        {
            return TypedResults.NotFound(); // Alertmanager's 404 has no body
        }
        return TypedResults.Ok(ToGettable(silence, time.GetUtcNow()));
    }

    private static async Task<Results<Ok, NotFound<string>>> Delete([FromRoute(Name = "silenceID")] string id, SilenceStore store, CancellationToken ct)
    {
        ApiSpec.CheckSilenceId(id);
        if (Canonical(id) is not { } guid || !await store.ExpireAsync(guid, ct))
        {
            return TypedResults.NotFound("silence not found"); // Alertmanager 0.25: 500 with this text
        }
        return TypedResults.Ok();
    }

    /// <summary>Alertmanager looks ids up as given; only the lower-case hyphenated form it hands out can match.</summary>
    private static Guid? Canonical(string id) =>
        Guid.TryParseExact(id, "D", out var guid) && string.Equals(guid.ToString(), id, StringComparison.Ordinal) ? guid : null;

    private static async Task<Results<Ok<SilenceCreated>, BadRequest<string>, NotFound<string>>> Post(
        HttpRequest request, SilenceStore store, TimeProvider time, MatcherSyntax syntax, CancellationToken ct)
    {
        var posted = await ApiJson.ReadAsync<PostableSilence>(request, ct);
        ApiSpec.CheckSilence(posted);

        var matchers = new List<Matcher>();
        foreach (var (m, i) in posted!.Matchers!.Select((m, i) => (m, i)))
        {
            if (m is null)
            {
                return TypedResults.BadRequest($"matchers[{i}]: a matcher cannot be null");
            }
            try
            {
                matchers.Add(Matcher.Create(m.Name!, m.Value!, m.IsRegex!.Value, m.IsEqual ?? true));
            }
            catch (MatcherException e)
            {
                return TypedResults.BadRequest($"silence invalid: invalid label matcher {i}: {e.Message}");
            }
        }
        var startsAt = AlertConversion.Normalize(posted.StartsAt);
        var endsAt = AlertConversion.Normalize(posted.EndsAt);
        var now = time.GetUtcNow();

        // The order and wording of Alertmanager's checks, then the silence's own validation.
        if (startsAt != default && endsAt != default && startsAt >= endsAt)
        {
            return TypedResults.BadRequest("Failed to create silence: start time must be before end time");
        }
        if (endsAt != default && endsAt < now)
        {
            return TypedResults.BadRequest("Failed to create silence: end time can't be in the past");
        }
        if (Silence.Validate(new Matchers(matchers), startsAt, endsAt, syntax) is { } invalid)
        {
            return TypedResults.BadRequest($"silence invalid: {invalid}");
        }
        // Ours: Alertmanager takes an empty or blank author and comment.
        if (string.IsNullOrWhiteSpace(posted.CreatedBy))
        {
            return TypedResults.BadRequest("silence invalid: createdBy must not be empty");
        }
        if (string.IsNullOrWhiteSpace(posted.Comment))
        {
            return TypedResults.BadRequest("silence invalid: comment must not be empty");
        }
        if (Silence.TextTooLong(posted.CreatedBy, posted.Comment) is { } tooLong)
        {
            return TypedResults.BadRequest($"silence invalid: {tooLong}");
        }
        if (!LabelName.IsValidText(posted.CreatedBy) || !LabelName.IsValidText(posted.Comment)
            || matchers.Any(m => !LabelName.IsValidText(m.Name) || !LabelName.IsValidText(m.Value)))
        {
            return TypedResults.BadRequest("silence invalid: text must be valid UTF-8 without NUL characters");
        }

        Guid? id = null;
        if (!string.IsNullOrEmpty(posted.Id))
        {
            if (Canonical(posted.Id) is not { } parsed)
            {
                return TypedResults.NotFound("silence not found");
            }
            id = parsed;
        }
        var result = await store.SetAsync(id, new Matchers(matchers), startsAt, endsAt, posted.CreatedBy, posted.Comment, ct);
        return result.Id is { } saved
            ? TypedResults.Ok(new SilenceCreated(saved.ToString()))
            : TypedResults.NotFound("silence not found");
    }

    internal static GettableSilence ToGettable(Silence s, DateTimeOffset now) => new(
        s.Id.ToString(),
        new SilenceStatus(s.State(now).ToString().ToLowerInvariant()),
        s.UpdatedAt,
        s.Comment,
        s.CreatedBy,
        s.EndsAt,
        [.. s.Matchers.Select(m => new MatcherDto(m.Name, m.Value, m.IsRegex, m.IsEqual))],
        s.StartsAt);

    /// <summary>Alertmanager's filter on silences: the filter matches the silence's own matcher values.</summary>
    internal static bool MatchesFilter(Silence silence, IReadOnlyCollection<Matcher> filters)
    {
        if (filters.Count == 0)
        {
            return true;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in silence.Matchers)
        {
            values[m.Name] = m.Value;
        }
        return MatchesFilter(values, filters);
    }

    /// <summary>Alertmanager's matchFilterLabels: a matcher on the empty value is skipped where it would only test absence.</summary>
    internal static bool MatchesFilter(IReadOnlyDictionary<string, string> values, IEnumerable<Matcher> filters)
    {
        foreach (var f in filters)
        {
            var present = values.TryGetValue(f.Name, out var v);
            if (f.Value.Length == 0 && (f.Type is Core.Matching.MatchType.NotEqual or Core.Matching.MatchType.NotRegexp ? present : !present))
            {
                continue;
            }
            if (!f.Matches(v ?? ""))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Alertmanager's order: active by soonest end, then pending by soonest start, then expired by latest end.</summary>
    internal static IEnumerable<Silence> Sort(IEnumerable<Silence> silences, DateTimeOffset now)
    {
        var list = silences.ToList();
        return list.Where(s => s.State(now) == SilenceState.Active).OrderBy(s => s.EndsAt)
            .Concat(list.Where(s => s.State(now) == SilenceState.Pending).OrderBy(s => s.StartsAt))
            .Concat(list.Where(s => s.State(now) == SilenceState.Expired).OrderByDescending(s => s.EndsAt));
    }
}
