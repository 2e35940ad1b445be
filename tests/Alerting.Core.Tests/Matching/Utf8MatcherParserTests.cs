namespace Alerting.Core.Matching;

/// <summary>Alertmanager's matcher/parse tests (parse_test.go, lexer_test.go), case for case and message for message.</summary>
public sealed class Utf8MatcherParserTests
{
    public static TheoryData<string, string> Valid() => new()
    {
        // input, the matchers' String() joined with ","
        { "", "" },
        { "{}", "" },
        { "{foo=bar}", "foo=\"bar\"" },
        { "{foo=bar,}", "foo=\"bar\"" },
        { "{foo!=bar}", "foo!=\"bar\"" },
        { "{foo=~[a-z]+}", "foo=~\"[a-z]+\"" },
        { "{foo!~[a-z]+}", "foo!~\"[a-z]+\"" },
        { "{foo=🙂}", "foo=\"🙂\"" },
        { "{foo=🙂bar}", "foo=\"🙂bar\"" },
        { "foo=bar", "foo=\"bar\"" },
        { "foo=bar,", "foo=\"bar\"" },
        { "foo=~[a-z]+", "foo=~\"[a-z]+\"" },
        { "{\"foo\"=\"bar\"}", "foo=\"bar\"" },
        { "{\"foo\"=\"bar\",}", "foo=\"bar\"" },
        { "{\"foo\"=~\"\\\\d+\"}", "foo=~\"\\\\d+\"" },
        { "{\"foo\"=\"🙂\"}", "foo=\"🙂\"" },
        { "{\"foo\"=\"\\xf0\\x9f\\x99\\x82\"}", "foo=\"🙂\"" },
        { "{\"foo\"=\"\\U0001f642\"}", "foo=\"🙂\"" },
        { "{\"foo\"=\"bar\\n\"}", "foo=\"bar\\n\"" },
        { "{\"foo\"=\"\\\"bar\\\"\"}", "foo=\"\\\"bar\\\"\"" },
        { "{\"foo\"=\"bar\\\\\"}", "foo=\"bar\\\\\"" },
        { "\"foo\"=\"bar\",", "foo=\"bar\"" },
        { "{foo=bar,bar!=baz}", "foo=\"bar\",bar!=\"baz\"" },
        { "foo=\"bar\",bar!=\"baz\"", "foo=\"bar\",bar!=\"baz\"" },
        // What Prometheus 3 sends: names outside the classic set, quoted or not.
        { "{\"service.name\"=\"api\"}", "service.name=\"api\"" },
        { "service.name=api", "service.name=\"api\"" },
        { "{\"foo bar\"=~\"x|y\", \"Größe\"!=\"\"}", "\"foo bar\"=~\"x|y\",Größe!=\"\"" },
        { "  { a = b ,  c = \"d\" }  ", "a=\"b\",c=\"d\"" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_as_Alertmanager(string input, string expected) =>
        Assert.Equal(expected, string.Join(",", Utf8MatcherParser.ParseList(input).Select(m => m.ToString())));

    [Theory]
    [InlineData(",", "0:1: unexpected ,: expected label name")]
    [InlineData("{,}", "1:2: unexpected ,: expected label name")]
    [InlineData("{", "0:1: end of input: expected close brace")]
    [InlineData("}", "0:1: }: expected opening brace")]
    [InlineData("foo=bar}", "0:8: }: expected opening brace")]
    [InlineData("{foo=bar", "0:8: end of input: expected close brace")]
    [InlineData("{foo=:\"bar\"}", "6:11: unexpected \"bar\": expected a comma or close brace")]
    [InlineData("{foo=\"bar\\w\"}", "5:12: \"bar\\w\": invalid input")]
    [InlineData("{\"foo\"=~\"\\d+\"}", "8:13: \"\\d+\": invalid input")]
    [InlineData("{foo=bar\\n}", "8:9: \\: invalid input: expected a comma or close brace")]
    [InlineData("{\"foo\"=\"\\xf0\\x9f\"}", "7:17: \"\\xf0\\x9f\": invalid input")]
    // A lexer error before the first matcher is reported as it is.
    [InlineData("!", "0:1: unexpected end of input, expected one of '=~'")]
    [InlineData("~", "0:1: ~: invalid input")]
    [InlineData("\\n", "0:1: \\: invalid input")]
    [InlineData("\"hello", "0:6: \"hello: missing end \"")]
    [InlineData("\"hello\\\"", "0:8: \"hello\\\": missing end \"")]
    [InlineData("foo", "end of input: expected an operator such as '=', '!=', '=~' or '!~'")]
    [InlineData("foo=", "end of input: expected label value")]
    [InlineData("foo=!bar", "4:5: !: expected one of '=~': expected label value")]
    [InlineData("foo=bar baz", "8:11: unexpected baz: expected a comma or close brace")]
    [InlineData("{foo=bar}x", "9:10: x: expected end of input")]
    public void Refuses_with_Alertmanagers_message(string input, string message) =>
        Assert.Equal(message, Assert.Throws<MatcherException>(() => Utf8MatcherParser.ParseList(input)).Message);

    [Theory]
    [InlineData("", "no matchers")]
    [InlineData("{}", "no matchers")]
    [InlineData("foo=bar,bar=baz", "expected 1 matcher, found 2")]
    [InlineData("foo=\"\\xf0\\x9f\"", "4:14: \"\\xf0\\x9f\": invalid input")]
    public void One_matcher_exactly(string input, string message) =>
        Assert.Equal(message, Assert.Throws<MatcherException>(() => Utf8MatcherParser.Parse(input)).Message);

    [Theory]
    [InlineData("\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\"", "\a\b\f\n\r\t\v\\\"")]
    [InlineData("\"\\101\\x41\\u0041\\U00000041\"", "AAAA")]
    [InlineData("\"\\u00e9\"", "é")]
    [InlineData("\"tab\there\"", "tab\there")]
    public void Unquotes_as_strconv_does(string quoted, string expected) => Assert.Equal(expected, Utf8MatcherParser.GoUnquote(quoted));

    [Theory]
    [InlineData("\"\\'\"")]
    [InlineData("\"\\400\"")]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\x4\"")]
    [InlineData("\"a\nb\"")]
    [InlineData("\"\\q\"")]
    public void Refuses_what_strconv_refuses(string quoted) => Assert.Null(Utf8MatcherParser.GoUnquote(quoted));
}
