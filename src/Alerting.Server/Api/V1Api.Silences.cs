using System.Text;
using System.Text.Json.Serialization;
using Alerting.Core.Labels;
using Alerting.Core.Matching;
using Alerting.Core.Notifications;
using Alerting.Core.Silences;
using Alerting.Persistence;

namespace Alerting.Api;

internal static partial class V1Api
{
    private static async Task<IResult> ListSilences(HttpRequest request, SilenceStore store, TimeProvider time, CancellationToken ct)
    {
        IReadOnlyList<Matcher> filters = [];
        if (request.Query["filter"].FirstOrDefault() is { Length: > 0 } filter)
        {
            try
            {
                filters = MatcherParser.ParseList(filter);
            }
            catch (MatcherException e)
            {
                return BadData(e.Message);
            }
        }
        var now = time.GetUtcNow();
        var silences = (await store.ListAsync(ct)).Where(s => SilencesApi.MatchesFilter(s, filters));
        return Success(Array(SilencesApi.Sort(silences, now).Select(s => SilenceJson(s, now))));
    }

    private static async Task<IResult> GetSilence(string id, SilenceStore store, TimeProvider time, CancellationToken ct)
    {
        if (!Guid.TryParseExact(id, "D", out var guid) || guid.ToString() != id || await store.GetAsync(guid, ct) is not { } silence)
        {
            // http.Error with the query's nil error, as 0.25 answers it.
            return Results.Text("Error getting silence: <nil>\n", "text/plain; charset=utf-8", null, StatusCodes.Status404NotFound);
        }
        return Success(SilenceJson(silence, time.GetUtcNow()));
    }

    private static async Task<IResult> DeleteSilence(string id, SilenceStore store, CancellationToken ct)
    {
        if (!Guid.TryParseExact(id, "D", out var guid) || guid.ToString() != id || !await store.ExpireAsync(guid, ct))
        {
            return BadData("silence not found");
        }
        return Success(null);
    }

    private static async Task<IResult> PostSilence(HttpRequest request, SilenceStore store, TimeProvider time, MatcherSyntax syntax, CancellationToken ct)
    {
        V1Silence? posted;
        try
        {
            posted = await ApiJson.ReadAsync<V1Silence>(request, ct);
        }
        catch (BadInputException e)
        {
            return BadData(e.Message, e.StatusCode);
        }
        if (posted is null)
        {
            return BadData("silence invalid: at least one matcher required");
        }
        var matchers = new List<Matcher>();
        foreach (var (m, i) in (posted.Matchers ?? []).Select((m, i) => (m, i)))
        {
            try
            {
                // As labels.Matcher's UnmarshalJSON: isEqual defaults to true; a bad regex refuses the body.
                matchers.Add(Matcher.Create(m?.Name ?? "", m?.Value ?? "", m?.IsRegex ?? false, m?.IsEqual ?? true));
            }
            catch (MatcherException e)
            {
                return BadData($"matchers[{i}]: {e.Message}");
            }
        }
        var startsAt = AlertConversion.Normalize(posted.StartsAt);
        var endsAt = AlertConversion.Normalize(posted.EndsAt);
        var now = time.GetUtcNow();
        // 0.25's order: the handler's two checks, then the silence's validation.
        if (startsAt == endsAt)
        {
            return BadData("start time must not be equal to end time");
        }
        if (endsAt < now)
        {
            return BadData("end time can't be in the past");
        }
        if (Silence.Validate(new Matchers(matchers), startsAt, endsAt, syntax) is { } invalid)
        {
            return BadData("silence invalid: " + (endsAt < startsAt && startsAt != default && endsAt != default ? "end time must not be before start time" : invalid));
        }
        if (string.IsNullOrWhiteSpace(posted.CreatedBy) || string.IsNullOrWhiteSpace(posted.Comment))
        {
            return BadData($"silence invalid: {(string.IsNullOrWhiteSpace(posted.CreatedBy) ? "createdBy" : "comment")} must not be empty");
        }
        if (Silence.TextTooLong(posted.CreatedBy, posted.Comment) is { } tooLong)
        {
            return BadData($"silence invalid: {tooLong}");
        }
        if (!LabelName.IsValidText(posted.CreatedBy) || !LabelName.IsValidText(posted.Comment)
            || matchers.Any(m => !LabelName.IsValidText(m.Name) || !LabelName.IsValidText(m.Value)))
        {
            return BadData("silence invalid: text must be valid UTF-8 without NUL characters");
        }
        Guid? id = null;
        if (!string.IsNullOrEmpty(posted.Id))
        {
            if (!Guid.TryParseExact(posted.Id, "D", out var parsed) || parsed.ToString() != posted.Id)
            {
                return BadData("silence not found");
            }
            id = parsed;
        }
        var result = await store.SetAsync(id, new Matchers(matchers), startsAt, endsAt, posted.CreatedBy, posted.Comment, ct);
        return result.Id is { } saved ? Success($"{{\"silenceId\":{Str(saved.ToString())}}}") : BadData("silence not found");
    }

    /// <summary>types.Silence as Go marshals it: comment left out when empty.</summary>
    private static string SilenceJson(Silence s, DateTimeOffset now)
    {
        var sb = new StringBuilder("{\"id\":").Append(Str(s.Id.ToString())).Append(",\"matchers\":");
        sb.Append(Array(s.Matchers.Select(m =>
            $"{{\"name\":{Str(m.Name)},\"value\":{Str(m.Value)},\"isRegex\":{(m.IsRegex ? "true" : "false")},\"isEqual\":{(m.IsEqual ? "true" : "false")}}}")));
        sb.Append(",\"startsAt\":").Append(Str(GoJson.FormatTime(s.StartsAt.ToUniversalTime())))
            .Append(",\"endsAt\":").Append(Str(GoJson.FormatTime(s.EndsAt.ToUniversalTime())))
            .Append(",\"updatedAt\":").Append(Str(GoJson.FormatTime(s.UpdatedAt.ToUniversalTime())))
            .Append(",\"createdBy\":").Append(Str(s.CreatedBy));
        if (s.Comment.Length > 0)
        {
            sb.Append(",\"comment\":").Append(Str(s.Comment));
        }
        return sb.Append(",\"status\":{\"state\":").Append(Str(s.State(now).ToString().ToLowerInvariant())).Append("}}").ToString();
    }

    private sealed record V1Silence(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("matchers")] List<MatcherDto?>? Matchers,
        [property: JsonPropertyName("startsAt")] DateTimeOffset? StartsAt,
        [property: JsonPropertyName("endsAt")] DateTimeOffset? EndsAt,
        [property: JsonPropertyName("createdBy")] string? CreatedBy,
        [property: JsonPropertyName("comment")] string? Comment);
}
