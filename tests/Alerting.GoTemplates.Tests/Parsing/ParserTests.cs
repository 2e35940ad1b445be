namespace Alerting.GoTemplates.Parsing;

/// <summary>Go 1.19's parser: the trees it builds (as Go prints nodes) and its error messages.</summary>
public sealed class ParserTests
{
    private static readonly HashSet<string> Functions = ["printf", "len", "index", "f", "eq", "toUpper"];

    private static Dictionary<string, Tree> Parse(string text) => Parser.Parse("t", text, Functions.Contains);

    [Theory]
    [InlineData("{{.A.B | printf \"%s\" | len}}", "{{.A.B | printf \"%s\" | len}}")]
    [InlineData("{{ $x := index .M \"k\" }}{{ $x }}", "{{$x := index .M \"k\"}}{{$x}}")]
    [InlineData("{{ (f .A).B }}", "{{(f .A).B}}")]
    [InlineData("{{ printf \"%d\" (len .A) 0x1F 'a' 1.5e3 nil true }}", "{{printf \"%d\" (len .A) 0x1F 'a' 1.5e3 nil true}}")]
    [InlineData("{{if .A}}a{{else if .B}}b{{else}}c{{end}}", "{{if .A}}a{{else}}{{if .B}}b{{else}}c{{end}}{{end}}")]
    [InlineData("{{range $i, $e := .A}}{{$i}}{{break}}{{continue}}{{else}}none{{end}}", "{{range $i, $e := .A}}{{$i}}{{break}}{{continue}}{{else}}none{{end}}")]
    [InlineData("{{with .A}}{{.}}{{end}}", "{{with .A}}{{.}}{{end}}")]
    [InlineData("{{template \"x\" .}}{{template \"y\"}}", "{{template \"x\" .}}{{template \"y\"}}")]
    [InlineData("{{ $.A.B }}", "{{$.A.B}}")]
    [InlineData("{{ `raw` }}", "{{`raw`}}")]
    public void PrintsNodesAsGo(string text, string expected) => Assert.Equal(expected, Parse(text)["t"].Root!.ToString());

    [Fact]
    public void DefinesAndBlocksBecomeTemplates()
    {
        var trees = Parse("{{define \"a\"}}A{{end}}x{{block \"b\" .}}B{{.}}{{end}}");
        Assert.Equal(["a", "b", "t"], trees.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("A", trees["a"].Root!.ToString());
        Assert.Equal("B{{.}}", trees["b"].Root!.ToString());
        Assert.Equal("x{{template \"b\" .}}", trees["t"].Root!.ToString());
        Assert.Equal("t", trees["a"].ParseName);
    }

    [Fact]
    public void NumbersKeepEveryReading()
    {
        var n = (NumberNode)((ActionNode)Parse("{{ 1e3 }}")["t"].Root!.Nodes[0]).Pipe.Cmds[0].Args[0];
        Assert.True(n.IsFloat && n.IsInt && n.IsUint);
        Assert.Equal(1000L, n.Int64);
        var c = (NumberNode)((ActionNode)Parse("{{ 'é' }}")["t"].Root!.Nodes[0]).Pipe.Cmds[0].Args[0];
        Assert.Equal(0xE9L, c.Int64);
    }

    [Theory]
    [InlineData("{{ ) }}", "template: t:1: unexpected \")\" in command")]
    [InlineData("{{ (1 }}", "template: t:1: unclosed left paren")]
    [InlineData("{{ break }}", "template: t:1: {{break}} outside {{range}}")]
    [InlineData("{{ range . }}{{ break 1 }}{{ end }}", "template: t:1: unexpected \"1\" in {{break}}")]
    [InlineData("{{ .A.1 }}", "template: t:1: unexpected \".1\" in operand")]
    [InlineData("{{ 08 }}", "template: t:1: integer overflow: \"08\"")]
    [InlineData("{{ 1__0 }}", "template: t:1: illegal number syntax: \"1__0\"")]
    [InlineData("{{ 'ab' }}", "template: t:1: malformed character constant: 'ab'")]
    [InlineData("{{ '' }}", "template: t:1: invalid syntax")]
    [InlineData("{{ $x }}", "template: t:1: undefined variable \"$x\"")]
    [InlineData("{{ foo }}", "template: t:1: function \"foo\" not defined")]
    [InlineData("{{ if }}{{ end }}", "template: t:1: missing value for if")]
    [InlineData("\n{{ end }}", "template: t:2: unexpected {{end}}")]
    [InlineData("{{ . | 1 }}", "template: t:1: non executable command in pipeline stage 2")]
    [InlineData("{{ \"a\".b }}", "template: t:1: unexpected . after term \"\\\"a\\\"\"")]
    [InlineData("{{ $x, $y := 1 }}", "template: t:1: too many declarations in command")]
    [InlineData("{{ .A\n\n", "template: t:3: unclosed action started at t:1")]
    [InlineData("{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}", "template: t:1: template: multiple definition of template \"a\"")]
    [InlineData("{{if true}}x", "template: t:1: unexpected EOF")]
    [InlineData("{{with .A}}a{{else if .B}}b{{end}}", "template: t:1: unexpected <if> in input")]
    [InlineData("{{ template x }}", "template: t:1: unexpected \"x\" in template clause")]
    public void ErrorsAreGos(string text, string message) => Assert.Equal(message, Assert.Throws<ParseError>(() => Parse(text)).Message);

    [Fact]
    public void ErrorContextGivesByteColumns()
    {
        var tree = Parse("héllo {{ .X }}\nab {{ .Y }}")["t"];
        var first = ((ActionNode)tree.Root!.Nodes[1]).Pipe;
        var second = ((ActionNode)tree.Root.Nodes[3]).Pipe;
        Assert.Equal(("t:1:10", ".X"), tree.ErrorContext(first.Cmds[0].Args[0]));
        Assert.Equal(("t:2:6", ".Y"), tree.ErrorContext(second.Cmds[0].Args[0]));
    }
}
