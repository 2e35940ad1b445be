namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's math, dates, defaults, encodings, hashes, reflection, regexes, paths and URLs (its docs/*.md).</summary>
public sealed class SprigOtherTests
{
    private static string Text(string text) => SprigStringsTests.Text(text);

    private const string T = "(index .Alerts 0).StartsAt";

    [Theory]
    [InlineData("{{ add 1 2 3 }}|{{ add1 5 }}|{{ sub 5 3 }}|{{ div 10 3 }}|{{ mod 10 3 }}|{{ mul 2 3 4 }}", "6|6|2|3|1|24")]
    [InlineData("{{ max 1 2 3 }}|{{ min 5 2 7 }}|{{ biggest 1 9 }}|{{ typeOf (add 1 2) }}", "3|2|9|int64")]
    [InlineData("{{ add \"3\" 4 }}|{{ add 1.9 1 }}|{{ add true 1 }}|{{ add \"x\" 1 }}|{{ add \"0x10\" 0 }}", "7|2|2|1|16")]
    [InlineData("{{ atoi \"42\" }}|{{ atoi \"x\" }}|{{ atoi \"0x10\" }}|{{ int \"12\" }}|{{ int64 \"0x10\" }}|{{ float64 \"1.5\" }}|{{ typeOf (int 1) }}", "42|0|0|12|16|1.5|int")]
    [InlineData("{{ floor 123.9999 }}|{{ ceil 123.001 }}|{{ round 123.555555 3 }}|{{ round 123.5 0 }}|{{ round 2.4 0 0.4 }}|{{ round 2.5 0 0.4 }}", "123|124|123.556|124|2|3")]
    [InlineData("{{ addf 1.5 2 2 }}|{{ add1f 1.5 }}|{{ subf 7.5 2 3 }}|{{ divf 10 2 4 }}|{{ mulf 1.5 2 2 }}|{{ addf 0.1 0.2 }}", "5.5|2.5|2.5|1.25|6|0.3")]
    [InlineData("{{ maxf 1 2.5 3 }}|{{ minf 1.5 2 3 }}|{{ divf 1 3 }}", "3|1.5|0.3333333333333333")]
    [InlineData("{{ until 5 }}|{{ untilStep 3 6 2 }}|{{ until -3 }}|{{ typeOf (until 2) }}", "[0 1 2 3 4]|[3 5]|[0 -1 -2]|[]int")]
    [InlineData("{{ seq 5 }}|{{ seq -3 }}|{{ seq 0 2 }}|{{ seq 2 -2 }}|{{ seq 0 2 10 }}|{{ seq 0 -2 -5 }}|{{ seq }}", "1 2 3 4 5|1 0 -1 -2 -3|0 1 2|2 1 0 -1 -2|0 2 4 6 8 10|0 -2 -4|")]
    [InlineData("{{ toDecimal \"0777\" }}|{{ toDecimal \"8\" }}", "511|0")]
    public void Math(string text, string expected) => Assert.Equal(expected, Text(text));

    [Theory]
    [InlineData("{{ dateInZone \"2006-01-02 15:04\" " + T + " \"Asia/Shanghai\" }}|{{ dateInZone \"15:04 MST\" " + T + " \"Nowhere\" }}", "2024-03-05 22:07|14:07 UTC")]
    [InlineData("{{ date_in_zone \"2006.01.02 15:04:05\" " + T + " \"UTC\" }}|{{ htmlDateInZone " + T + " \"Pacific/Auckland\" }}", "2024.03.05 14:07:09|2024-03-06")]
    [InlineData("{{ dateInZone \"2006-01-02\" 0 \"UTC\" }}|{{ dateInZone \"2006-01-02 15:04\" \"not a date\" \"UTC\" }}|{{ dateInZone \"2006\" (int64 86400000) \"UTC\" }}", "1970-01-01|2024-03-05 14:08|1972")]
    [InlineData("{{ (dateModify \"-1.5h\" " + T + ").Format \"15:04:05\" }}|{{ (dateModify \"bad\" " + T + ").Format \"15:04:05\" }}|{{ (date_modify \"90m\" " + T + ").Format \"15:04\" }}", "12:37:09|14:07:09|15:37")]
    [InlineData("{{ duration \"95\" }}|{{ duration 95 }}|{{ duration (int64 3700) }}|{{ duration \"x\" }}", "1m35s|0s|1h1m40s|0s")]
    [InlineData("{{ durationRound \"2h10m5s\" }}|{{ durationRound \"2400h10m5s\" }}|{{ durationRound " + T + " }}|{{ durationRound \"-3d\" }}|{{ durationRound \"9000h\" }}", "2h|3mo|1m|0s|1y")]
    [InlineData("{{ ago " + T + " }}|{{ unixEpoch " + T + " }}", "1m30s|1709647629")]
    [InlineData("{{ (toDate \"2006-01-02\" \"2017-12-31\").Format \"02/01/2006\" }}|{{ (toDate \"2006-01-02\" \"x\").Year }}", "31/12/2017|1")]
    [InlineData("{{ (now).Unix }}|{{ dateInZone \"15:04:05\" now \"UTC\" }}", "1709647719|14:08:39")]
    public void Dates(string text, string expected) => Assert.Equal(expected, Text(text));

    [Theory]
    [InlineData("{{ default \"foo\" .CommonLabels.missing }}|{{ default \"foo\" \"bar\" }}|{{ default 5 0 }}|{{ default \"x\" (list) }}|{{ default \"x\" false }}|{{ default \"x\" nil }}", "foo|bar|5|x|x|x")]
    [InlineData("{{ .CommonLabels.severity | default \"none\" }}|{{ .CommonLabels.team | default \"none\" }}|{{ default \"d\" }}", "critical|none|d")]
    [InlineData("{{ empty \"\" }}|{{ empty 0 }}|{{ empty (dict) }}|{{ empty .Alerts }}|{{ empty (index .Alerts 0) }}|{{ empty 0.0 }}|{{ empty nil }}", "true|true|true|false|false|true|true")]
    [InlineData("{{ coalesce 0 \"\" \"x\" }}|{{ coalesce 0 }}|{{ coalesce .CommonLabels.team .CommonLabels.severity }}", "x|<no value>|critical")]
    [InlineData("{{ all 1 \"a\" }}|{{ all 1 \"\" }}|{{ any 0 \"\" \"a\" }}|{{ any 0 \"\" }}", "true|false|true|false")]
    [InlineData("{{ ternary \"foo\" \"bar\" true }}|{{ false | ternary \"foo\" \"bar\" }}", "foo|bar")]
    [InlineData("{{ fromJson \"{\\\"foo\\\": 55}\" }}|{{ (fromJson \"{\\\"a\\\":[1,\\\"x\\\",null]}\").a }}|{{ fromJson \"{\" }}", "map[foo:55]|[1 x <nil>]|<no value>")]
    [InlineData("{{ toJson (dict \"a\" \"<b>\") }}|{{ toRawJson (dict \"a\" \"<b>&\") }}|{{ toJson .CommonLabels }}", "{\"a\":\"\\u003cb\\u003e\"}|{\"a\":\"<b>&\"}|{\"alertname\":\"HighLatency\",\"severity\":\"critical\"}")]
    [InlineData("{{ toPrettyJson (dict \"a\" 1 \"b\" (list 1 \"x,y\") \"c\" (dict)) }}", "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    \"x,y\"\n  ],\n  \"c\": {}\n}")]
    [InlineData("{{ b64enc \"hello\" }}|{{ b64dec \"aGVsbG8=\" }}|{{ b32enc \"hello\" }}|{{ b32dec \"NBSWY3DP\" }}|{{ b64dec \"!!\" }}", "aGVsbG8=|hello|NBSWY3DP|hello|illegal base64 data at input byte 0")]
    [InlineData("{{ sha1sum \"Hello world!\" }}|{{ sha256sum \"Hello world!\" }}|{{ adler32sum \"Hello world!\" }}|{{ trunc 20 (sha512sum \"abc\") }}",
        "d3486ae9136e7856bc42212385ea797094475802|c0535e4be2b79ffd93291305436bf889314e4a3faec05ecffcbb7df31ad9e51a|487130206|ddaf35a193617abacc41")]
    [InlineData("{{ typeOf 1 }}|{{ typeOf \"a\" }}|{{ typeOf (dict) }}|{{ typeOf " + T + " }}|{{ typeIs \"string\" \"x\" }}|{{ typeIsLike \"int\" 1 }}", "int|string|map[string]interface {}|time.Time|true|true")]
    [InlineData("{{ kindOf \"hello\" }}|{{ kindOf (list) }}|{{ kindOf .CommonLabels }}|{{ kindOf 1.5 }}|{{ kindOf (int64 1) }}|{{ kindOf nil }}|{{ kindOf " + T + " }}|{{ kindIs \"int\" 123 }}",
        "string|slice|map|float64|int64|invalid|struct|true")]
    [InlineData("{{ deepEqual (list 1 2) (list 1 2) }}|{{ deepEqual 1 \"1\" }}|{{ deepEqual (dict \"a\" 1) (dict \"a\" 1) }}", "true|false|true")]
    [InlineData("{{ env \"HOME\" }}|{{ expandenv \"a $HOME b ${PATH}c\" }}", "|a  b c")]
    [InlineData("{{ base \"/a/b.txt\" }}|{{ dir \"/a/b.txt\" }}|{{ ext \"/a/b.txt\" }}|{{ clean \"a//b/../c/.\" }}|{{ isAbs \"/a\" }}|{{ osBase \"x/y\" }}|{{ base \"\" }}", "b.txt|/a|.txt|a/c|true|y|.")]
    public void Others(string text, string expected) => Assert.Equal(expected, Text(text));

    [Theory]
    [InlineData("{{ regexMatch \"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\\\.[A-Za-z]{2,}$\" \"test@acme.com\" }}|{{ regexMatch \"(\" \"x\" }}", "true|false")]
    [InlineData("{{ regexFindAll \"[2,4,6,8]\" \"123456789\" -1 }}|{{ regexFindAll \"[2,4,6,8]\" \"123456789\" 2 }}|{{ regexFindAll \"a*\" \"baaac\" -1 | len }}|{{ regexFindAll \"x\" \"abc\" -1 }}", "[2 4 6 8]|[2 4]|3|[]")]
    [InlineData("{{ regexFind \"[a-zA-Z][1-9]\" \"abcd1234\" }}|{{ regexFind \"z\" \"abc\" }}", "d1|")]
    [InlineData("{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\" }}|{{ regexReplaceAllLiteral \"a(x*)b\" \"-ab-axxb-\" \"${1}\" }}", "-W-xxW-|-${1}-${1}-")]
    [InlineData("{{ regexSplit \"z+\" \"pizza\" -1 }}|{{ regexSplit \"z+\" \"pizza\" 1 }}|{{ regexSplit \",\" \"a,b,,c\" 3 }}", "[pi a]|[pizza]|[a b ,c]")]
    // The piped value is the last argument: the replacement, not the text (sprig's order).
    [InlineData("{{ regexQuoteMeta \"1.2.3\" }}|{{ .CommonLabels.alertname | regexReplaceAll \"([A-Z])\" \"_${1}\" | lower }}", "1\\.2\\.3|_${1}")]
    [InlineData("{{ urlParse \"https://user@host:8080/p/a?q=1#frag\" }}", "map[fragment:frag host:host:8080 hostname:host opaque: path:/p/a query:q=1 scheme:https userinfo:user]")]
    [InlineData("{{ urlJoin (dict \"scheme\" \"https\" \"host\" \"h\" \"path\" \"/p\" \"query\" \"a=b\") }}", "https://h/p?a=b")]
    public void RegexesAndUrls(string text, string expected) => Assert.Equal(expected, Text(text));

    [Theory]
    [InlineData("{{ $v := semver \"1.2.3-alpha.1+123\" }}{{ $v.Major }}|{{ $v.Minor }}|{{ $v.Patch }}|{{ $v.Prerelease }}|{{ $v.Metadata }}|{{ $v.Original }}|{{ $v }}", "1|2|3|alpha.1|123|1.2.3-alpha.1+123|1.2.3-alpha.1+123")]
    [InlineData("{{ semver \"1.4.3\" | (semver \"1.2.3\").Compare }}|{{ (semver \"v1.2\").Compare (semver \"1.2.0\") }}|{{ (semver \"1.0.0\").Compare (semver \"1.0.0-rc.1\") }}", "-1|0|1")]
    [InlineData("{{ semverCompare \"1.2.3\" \"1.2.3\" }}|{{ semverCompare \"^1.2.0\" \"1.2.3\" }}|{{ semverCompare \"^1.2.0\" \"2.0.0\" }}|{{ semverCompare \"~1.2.0\" \"1.2.9\" }}|{{ semverCompare \"~1.2.0\" \"1.3.0\" }}", "true|true|false|true|false")]
    [InlineData("{{ semverCompare \">= 1.2, < 3.0.0 || >= 4.2.3\" \"4.5.0\" }}|{{ semverCompare \">= 1.2, < 3.0.0 || >= 4.2.3\" \"3.1.0\" }}|{{ semverCompare \"1.2 - 1.4.5\" \"1.4.5\" }}|{{ semverCompare \"1.2.x\" \"1.2.7\" }}|{{ semverCompare \">1.2.3\" \"1.2.4-beta\" }}", "true|false|true|true|false")]
    public void Semver(string text, string expected) => Assert.Equal(expected, Text(text));

    [Fact]
    public void Uuidv4IsRandomVersion4() =>
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", Text("{{ uuidv4 }}"));

    [Theory]
    [InlineData("{{ div 1 0 }}", "error calling div: runtime error: integer divide by zero")]
    [InlineData("{{ fail \"boom\" }}", "error calling fail: boom")]
    [InlineData("{{ mustRegexMatch \"(\" \"x\" }}", "error calling mustRegexMatch: error parsing regexp: missing closing ): `(`")]
    [InlineData("{{ regexFind \"(\" \"x\" }}", "error calling regexFind: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`")]
    [InlineData("{{ mustDateModify \"bad\" (index .Alerts 0).StartsAt }}", "error calling mustDateModify: time: invalid duration \"bad\"")]
    [InlineData("{{ mustDateModify \"5\" (index .Alerts 0).StartsAt }}", "error calling mustDateModify: time: missing unit in duration \"5\"")]
    [InlineData("{{ mustFromJson \"\" }}", "error calling mustFromJson: unexpected end of JSON input")]
    [InlineData("{{ getHostByName \"x\" }}", "function \"getHostByName\" not defined")]
    [InlineData("{{ genPrivateKey \"rsa\" }}", "function \"genPrivateKey\" not defined")]
    [InlineData("{{ semver \"x.y\" }}", "error calling semver: Invalid Semantic Version")]
    [InlineData("{{ semverCompare \">>1\" \"1.0.0\" }}", "error calling semverCompare: improper constraint: >>1")]
    public void FailsAsInGo(string text, string message) => Assert.EndsWith(message, SprigStringsTests.Error(text));
}
