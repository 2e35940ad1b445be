using Alerting.Core.Matching;

namespace Alerting.Core.Silences;

public enum SilenceState
{
    Active,
    Pending,
    Expired,
}

/// <summary>A silence, with Alertmanager's state, validation and update rules (silence/silence.go).</summary>
public sealed record Silence(
    Guid Id,
    Matchers Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    DateTimeOffset UpdatedAt,
    string CreatedBy,
    string Comment)
{
    public SilenceState State(DateTimeOffset now) =>
        EndsAt <= now ? SilenceState.Expired
        : StartsAt > now ? SilenceState.Pending
        : SilenceState.Active;

    /// <summary>The longest comment the API and the UI store (Alertmanager has no limit; a form's maxlength binds only browsers).</summary>
    public const int MaxCommentLength = 10_000;

    /// <summary>The longest author the API and the UI store.</summary>
    public const int MaxCreatedByLength = 1_000;

    /// <summary>Which of the author and comment is over its limit, as the API says it; null when both fit.</summary>
    public static string? TextTooLong(string? createdBy, string? comment) =>
        createdBy?.Length > MaxCreatedByLength ? $"createdBy is longer than {MaxCreatedByLength} characters"
        : comment?.Length > MaxCommentLength ? $"comment is longer than {MaxCommentLength} characters"
        : null;

    /// <summary>Validation shared by the API and the UI; returns the first problem, or null. Names follow <paramref name="syntax"/>'s mode.</summary>
    public static string? Validate(Matchers matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, MatcherSyntax syntax)
    {
        if (matchers.Count == 0)
        {
            return "at least one matcher required";
        }
        for (var i = 0; i < matchers.Count; i++)
        {
            if (!syntax.IsValidLabelName(matchers[i].Name))
            {
                return $"invalid label matcher {i}: invalid label name {Labels.GoQuote.Quote(matchers[i].Name)}";
            }
        }
        // Alertmanager's matchesEmpty: only = and =~ count; a negative matcher never does, even a!="x".
        if (matchers.All(m => m.Type is Matching.MatchType.Equal or Matching.MatchType.Regexp && m.Matches("")))
        {
            return "at least one matcher must not match the empty string";
        }
        if (startsAt == default)
        {
            return "invalid zero start timestamp";
        }
        if (endsAt == default)
        {
            return "invalid zero end timestamp";
        }
        if (endsAt <= startsAt)
        {
            return "start time must be before end time";
        }
        return null;
    }

    /// <summary>
    /// Alertmanager's canUpdate: a silence is edited in place only if its matchers are unchanged and the
    /// new times do not rewrite the past; otherwise the old one is expired and a new one created.
    /// </summary>
    public static bool CanUpdate(Silence existing, Matchers matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset now)
    {
        if (!existing.Matchers.SequenceEqual(matchers))
        {
            return false;
        }
        return existing.State(now) switch
        {
            SilenceState.Active => startsAt == existing.StartsAt && endsAt >= now,
            SilenceState.Pending => startsAt >= now,
            _ => false,
        };
    }

    /// <summary>Expiring ends an active silence now; a pending one never starts.</summary>
    public Silence Expire(DateTimeOffset now) => State(now) switch
    {
        SilenceState.Active => this with { EndsAt = now, UpdatedAt = now },
        SilenceState.Pending => this with { StartsAt = now, EndsAt = now, UpdatedAt = now },
        _ => this,
    };
}
