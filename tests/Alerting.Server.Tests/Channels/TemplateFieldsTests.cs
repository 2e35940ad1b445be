namespace Alerting.Channels;

public sealed class TemplateFieldsTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("plain text, no action", null)]
    [InlineData("{{ .Status }} {{ template \"undefined.is.fine.until.sent\" . }}", null)]
    [InlineData("{{ .Status", "template: :1: unclosed action")]
    [InlineData("{{ alertname }}", "template: :1: function \"alertname\" not defined")]
    [InlineData("{{ end }}", "template: :1: unexpected {{end}}")]
    public void Only_text_that_Go_cannot_parse_has_an_error(string? text, string? error) =>
        Assert.Equal(error, TemplateFields.ParseError(text));
}
