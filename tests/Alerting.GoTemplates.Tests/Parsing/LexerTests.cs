namespace Alerting.GoTemplates.Parsing;

/// <summary>Go 1.19's lexer: token kinds, values, trim markers, comments and its error tokens.</summary>
public sealed class LexerTests
{
    private static string Kinds(string input) =>
        string.Join(" ", Lexer.Tokenize(input).Select(t => t.Kind == TokenKind.Space ? "_" : $"{t.Kind}:{t.Value}"));

    [Fact]
    public void ActionWithPipelineAndArguments() =>
        Assert.Equal(
            "Text:a LeftDelim:{{ _ Field:.A _ Pipe:| _ Identifier:f _ String:\"x\" _ Number:1 _ RightDelim:}} Text:b Eof:",
            Kinds("a{{ .A | f \"x\" 1 }}b"));

    [Fact]
    public void VariablesAndDeclarations() =>
        Assert.Equal(
            "LeftDelim:{{ Variable:$i Char:, _ Variable:$x _ Declare::= _ Dot:. _ Assign:= _ Variable:$ RightDelim:}} Eof:",
            Kinds("{{$i, $x := . = $}}"));

    [Fact]
    public void KeywordsAreTokens() =>
        Assert.Equal(
            "LeftDelim:{{ If:if _ Bool:true RightDelim:}} LeftDelim:{{ Else:else RightDelim:}} LeftDelim:{{ End:end RightDelim:}} Eof:",
            Kinds("{{if true}}{{else}}{{end}}"));

    [Fact]
    public void NumbersOfEveryForm() =>
        Assert.Equal(
            "LeftDelim:{{ Number:0x1F _ Number:0o17 _ Number:0b1 _ Number:1_000 _ Number:1.5e-3 _ Number:.5 _ Number:-7 _ Complex:1+2i _ Number:3i _ CharConstant:'a' RightDelim:}} Eof:",
            Kinds("{{0x1F 0o17 0b1 1_000 1.5e-3 .5 -7 1+2i 3i 'a'}}"));

    [Fact]
    public void RawStringsSpanLines() =>
        Assert.Equal("LeftDelim:{{ RawString:`a\nb` RightDelim:}} Eof:", Kinds("{{`a\nb`}}"));

    [Fact]
    public void TrimMarkersRemoveSpaceAroundActions() =>
        Assert.Equal("Text:a LeftDelim:{{ Number:1 RightDelim:}} Text:b Eof:", Kinds("a \n {{- 1 -}} \t\nb"));

    [Fact]
    public void MinusWithoutSpaceIsANumber() =>
        Assert.Equal("LeftDelim:{{ Number:-3 RightDelim:}} Eof:", Kinds("{{-3}}"));

    [Fact]
    public void CommentsVanishWithTheirTrim() => Assert.Equal("Text:a Text:b Eof:", Kinds("a {{- /* c */ -}} b"));

    [Fact]
    public void FieldChainsAreSeparateTokens() =>
        Assert.Equal("LeftDelim:{{ Field:.A Field:.B _ LeftParen:( Identifier:f RightParen:) Field:.C RightDelim:}} Eof:", Kinds("{{.A.B (f).C}}"));

    [Theory]
    [InlineData("{{ .A", "unclosed action", 1)]
    [InlineData("{{ \"abc }}", "unterminated quoted string", 1)]
    [InlineData("{{ `abc", "unterminated raw quoted string", 1)]
    [InlineData("{{ 'a }}", "unterminated character constant", 1)]
    [InlineData("{{ 3k }}", "bad number syntax: \"3k\"", 1)]
    [InlineData("{{ x : }}", "expected :=", 1)]
    [InlineData("{{ ¿ }}", "unrecognized character in action: U+00BF '¿'", 1)]
    [InlineData("{{ .A§ }}", "bad character U+00A7 '§'", 1)]
    [InlineData("{{/* x }}", "unclosed comment", 1)]
    [InlineData("{{/* x */ }}", "comment ends before closing delimiter", 1)]
    [InlineData("a\n\n{{ (1 }}", "unclosed left paren", 3)]
    public void ErrorsEndTheStream(string input, string message, int line)
    {
        var last = Lexer.Tokenize(input)[^1];
        Assert.Equal(TokenKind.Error, last.Kind);
        Assert.Equal(message, last.Value);
        Assert.Equal(line, last.Line);
    }

    [Fact]
    public void TokensKnowTheirLines()
    {
        var tokens = Lexer.Tokenize("a\nb{{ .X\n| f }}\nc");
        Assert.Equal([1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4], tokens.Select(t => t.Line).ToArray());
    }
}
