using Alerting.Core.Matching;

namespace Alerting.Core.Silences;

public sealed class SilenceTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Matchers M = MatcherParser.ParseList("alertname=A");
    private static readonly MatcherSyntax C = new(MatcherMode.Classic);

    private static Silence Make(int startMin, int endMin) =>
        new(Guid.NewGuid(), M, Now.AddMinutes(startMin), Now.AddMinutes(endMin), Now, "me", "c");

    [Fact]
    public void State_follows_the_window()
    {
        Assert.Equal(SilenceState.Active, Make(-1, 1).State(Now));
        Assert.Equal(SilenceState.Pending, Make(1, 2).State(Now));
        Assert.Equal(SilenceState.Expired, Make(-2, -1).State(Now));
        Assert.Equal(SilenceState.Expired, Make(-2, 0).State(Now));
    }

    [Fact]
    public void Validation_refuses_matchers_that_match_everything()
    {
        Assert.Equal("at least one matcher must not match the empty string",
            Silence.Validate(MatcherParser.ParseList("a=~\".*\""), Now, Now.AddHours(1), C));
        Assert.Null(Silence.Validate(MatcherParser.ParseList("a=~\".*\",b=x"), Now, Now.AddHours(1), C));
        Assert.Equal("at least one matcher must not match the empty string", Silence.Validate(MatcherParser.ParseList("a=\"\""), Now, Now.AddHours(1), C));
        // Alertmanager counts only = and =~ as matching the empty string: a lone negative matcher is a valid silence.
        Assert.Null(Silence.Validate(MatcherParser.ParseList("a!=x"), Now, Now.AddHours(1), C));
        Assert.Null(Silence.Validate(MatcherParser.ParseList("a!~x"), Now, Now.AddHours(1), C));
        Assert.Equal("invalid label matcher 1: invalid label name \"\"",
            Silence.Validate(new Matchers([Matcher.Create(Core.Matching.MatchType.Equal, "a", "x"), Matcher.Create(Core.Matching.MatchType.Equal, "", "x")]), Now, Now.AddHours(1), C));
        Assert.Equal("at least one matcher required", Silence.Validate(Matchers.None, Now, Now.AddHours(1), C));
        Assert.Equal("start time must be before end time", Silence.Validate(M, Now, Now, C));
    }

    [Fact]
    public void Matcher_names_follow_the_mode()
    {
        var utf8 = new Matchers([Matcher.Create(Core.Matching.MatchType.Equal, "service.name", "api")]);
        Assert.Null(Silence.Validate(utf8, Now, Now.AddHours(1), MatcherSyntax.Default));
        Assert.Null(Silence.Validate(utf8, Now, Now.AddHours(1), new MatcherSyntax(MatcherMode.Utf8Strict)));
        Assert.Equal("invalid label matcher 0: invalid label name \"service.name\"", Silence.Validate(utf8, Now, Now.AddHours(1), C));
    }

    [Fact]
    public void Active_silence_can_extend_its_end_but_not_move_its_start()
    {
        var s = Make(-10, 10);
        Assert.True(Silence.CanUpdate(s, M, s.StartsAt, Now.AddHours(2), Now));
        Assert.False(Silence.CanUpdate(s, M, s.StartsAt.AddMinutes(1), Now.AddHours(2), Now));
        Assert.False(Silence.CanUpdate(s, MatcherParser.ParseList("alertname=B"), s.StartsAt, Now.AddHours(2), Now));
    }

    [Fact]
    public void Pending_silence_can_move_its_start_to_the_future_only()
    {
        var s = Make(10, 20);
        Assert.True(Silence.CanUpdate(s, M, Now.AddMinutes(5), Now.AddMinutes(30), Now));
        Assert.False(Silence.CanUpdate(s, M, Now.AddMinutes(-5), Now.AddMinutes(30), Now));
    }

    [Fact]
    public void Expired_silence_is_never_updated_in_place()
    {
        Assert.False(Silence.CanUpdate(Make(-20, -10), M, Now, Now.AddMinutes(30), Now));
    }

    [Fact]
    public void Expire_ends_active_now_and_cancels_pending()
    {
        var active = Make(-10, 10).Expire(Now);
        Assert.Equal(Now, active.EndsAt);
        Assert.Equal(SilenceState.Expired, active.State(Now));
        var pending = Make(10, 20).Expire(Now);
        Assert.Equal(Now, pending.StartsAt);
        Assert.Equal(Now, pending.EndsAt);
    }
}
