using Alerting.GoTemplates.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.GoTemplates.Alertmanager;

/// <summary>
/// The functions Alertmanager added after 0.25 (amtool 0.25 cannot check them): expectations follow Go's
/// semantics of template/template.go at 0.34.
/// </summary>
public sealed class AmFunctionsTests
{
    private static readonly FakeTimeProvider Clock = new(TestData.Start.AddSeconds(90));
    private static readonly GoTemplateSet Set = GoTemplateSet.Load([], timeProvider: Clock);

    private static string Text(string text) => Set.ExecuteText(text, TestData.Data());

    private static string Error(string text) => Assert.Throws<GoTemplateException>(() => Text(text)).Message;

    [Theory]
    [InlineData("{{ trimSpace \"  a b \\n\" }}", "a b")]
    [InlineData("{{ urlUnescape \"a%20b+c%2F\" }}", "a b c/")]
    [InlineData("{{ date \"2006-01-02 15:04\" (index .Alerts 0).StartsAt }}", "2024-03-05 14:07")]
    [InlineData("{{ (index .Alerts 0).StartsAt | tz \"Europe/Berlin\" }}", "2024-03-05 15:07:09 +0100 CET")]
    [InlineData("{{ ((index .Alerts 0).StartsAt.AddDate 0 4 0) | tz \"Europe/Berlin\" }}", "2024-07-05 16:07:09 +0200 CEST")]
    [InlineData("{{ (tz \"America/New_York\" (index .Alerts 0).StartsAt).Format \"15:04 MST\" }}", "09:07 EST")]
    [InlineData("{{ tz \"UTC\" (index .Alerts 0).StartsAt }}", "2024-03-05 14:07:09 +0000 UTC")]
    [InlineData("{{ since (index .Alerts 0).StartsAt }}", "1m30s")]
    [InlineData("{{ humanizeDuration (since (index .Alerts 0).StartsAt) }}", "1m 30s")]
    [InlineData("{{ humanizeDuration 0 }}|{{ humanizeDuration 1.5 }}|{{ humanizeDuration 0.0012 }}|{{ humanizeDuration 0.0000123 }}", "0s|1.5s|1.2ms|12.3us")]
    [InlineData("{{ humanizeDuration 90 }}|{{ humanizeDuration \"3600\" }}|{{ humanizeDuration 90061 }}|{{ humanizeDuration -61 }}", "1m 30s|1h 0m 0s|1d 1h 1m 1s|-1m 1s")]
    [InlineData("{{ toJson .CommonLabels }}", "{\"alertname\":\"HighLatency\",\"severity\":\"critical\"}")]
    [InlineData("{{ toJson \"<&>\" }}|{{ toJson 1.5 }}|{{ toJson 3 }}|{{ toJson true }}|{{ toJson nil }}", "\"\\u003c\\u0026\\u003e\"|1.5|3|true|null")]
    [InlineData("{{ toJson (list 1 \"a\" nil) }}|{{ toJson (dict \"b\" 1 \"a\" (list)) }}", "[1,\"a\",null]|{\"a\":[],\"b\":1}")]
    [InlineData("{{ toJson (index .Alerts 1) }}", "{\"status\":\"resolved\",\"labels\":{\"alertname\":\"HighLatency\",\"instance\":\"api-2\",\"severity\":\"critical\"},\"annotations\":{\"summary\":\"Latency \\u003chigh\\u003e \\u0026 rising\"},\"startsAt\":\"2024-03-05T14:07:09Z\",\"endsAt\":\"2024-03-05T14:22:09Z\",\"generatorURL\":\"http://prometheus/graph\",\"fingerprint\":\"a1b2c3d4e5f60718\"}")]
    [InlineData("{{ toDate \"2006-01-02\" \"2024-02-29\" }}|{{ toDate \"2006-01-02\" \"nope\" }}", "2024-02-29 00:00:00 +0000 UTC|0001-01-01 00:00:00 +0000 UTC")]
    [InlineData("{{ mustToDate \"2006-01-02T15:04:05Z07:00\" \"2024-01-02T03:04:05+02:00\" }}", "2024-01-02 03:04:05 +0200 +0200")]
    [InlineData("{{ (mustToDate \"Jan 2 2006 3:04PM\" \"Mar 5 2024 2:07PM\").Unix }}", "1709647620")]
    [InlineData("{{ base64encode \"a?b\" }}|{{ base64encode \"??>\" }}|{{ base64decode \"YT9i\" }}", "YT9i|Pz8-|a?b")]
    [InlineData("{{ list 1 \"a\" }}|{{ list }}|{{ append (list 1) 2 3 }}|{{ len (list 1 2) }}", "[1 a]|[]|[1 2 3]|2")]
    [InlineData("{{ dict \"a\" 1 \"b\" \"x\" }}|{{ (dict \"a\" 1).a }}|{{ (dict \"a\" 1).b }}|{{ index (dict \"k\" \"v\") \"k\" }}", "map[a:1 b:x]|1|<no value>|v")]
    [InlineData("{{ range $k, $v := dict \"b\" 2 \"a\" 1 }}{{ $k }}{{ $v }}{{ end }}", "a1b2")]
    [InlineData("{{ routeLabels \"team\" }}|{{ now.Unix }}", "|1709647719")]
    [InlineData("{{ .CommonLabels.Values.Join \",\" }}|{{ .GroupLabels.Names.Join \"+\" }}", "HighLatency,critical|alertname")]
    public void RendersAsAlertmanager034(string text, string expected) => Assert.Equal(expected, Text(text));

    [Theory]
    [InlineData("{{ urlUnescape \"%zz\" }}", "error calling urlUnescape: invalid URL escape \"%zz\"")]
    [InlineData("{{ tz \"Nowhere/City\" (index .Alerts 0).StartsAt }}", "error calling tz: unknown time zone Nowhere/City")]
    [InlineData("{{ humanizeDuration \"abc\" }}", "error calling humanizeDuration: strconv.ParseFloat: parsing \"abc\": invalid syntax")]
    [InlineData("{{ humanizeDuration .Alerts }}", "error calling humanizeDuration: can't convert template.Alerts to float")]
    [InlineData("{{ mustToDate \"2006-01-02\" \"x\" }}", "error calling mustToDate: parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\"")]
    [InlineData("{{ base64decode \"!!\" }}", "error calling base64decode: illegal base64 data at input byte 0")]
    [InlineData("{{ dict \"a\" }}", "error calling dict: dict requires an even number of arguments")]
    [InlineData("{{ dict 1 2 }}", "error calling dict: dict keys must be strings")]
    [InlineData("{{ toJson 1i }}", "error calling toJson: json: unsupported type: complex128")]
    public void FailsAsAlertmanager034(string text, string message) => Assert.EndsWith(message, Error(text));

    [Fact]
    public void SafeUrlPassesTheHtmlUrlFilter()
    {
        var html = Set.ExecuteHtml("<a href=\"{{ safeUrl \"javascript:go()\" }}\">x</a><a href=\"{{ \"javascript:go()\" }}\">y</a>", TestData.Data());
        Assert.Equal("<a href=\"javascript:go%28%29\">x</a><a href=\"#ZgotmplZ\">y</a>", html);
    }
}
