namespace Alerting.Core.Matching;

public enum MatchType
{
    Equal,
    NotEqual,
    Regexp,
    NotRegexp,
}

public static class MatchTypeExtensions
{
    public static string Operator(this MatchType type) => type switch
    {
        MatchType.Equal => "=",
        MatchType.NotEqual => "!=",
        MatchType.Regexp => "=~",
        MatchType.NotRegexp => "!~",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
