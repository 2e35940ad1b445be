using Alerting.GoTemplates.Infrastructure;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's string functions: the outputs its docs (docs/strings.md, docs/string_slice.md) and tests give.</summary>
public sealed class SprigStringsTests
{
    internal static readonly GoTemplateSet Set = GoTemplateSet.Load([], timeProvider: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestData.Start.AddSeconds(90))).Sprig;

    internal static string Text(string text) => Set.ExecuteText(text, TestData.Data());

    internal static string Error(string text) => Assert.ThrowsAny<GoTemplateException>(() => Text(text)).Message;

    [Theory]
    [InlineData("{{ trim \"   hello    \" }}", "hello")]
    [InlineData("{{ trimAll \"$\" \"$5.00\" }}|{{ trimall \"-\" \"--a--\" }}", "5.00|a")]
    [InlineData("{{ trimSuffix \"-\" \"hello-\" }}|{{ trimPrefix \"-\" \"-hello\" }}|{{ trimPrefix \"x\" \"-hello\" }}", "hello|hello|-hello")]
    [InlineData("{{ upper \"hello\" }}|{{ lower \"HELLO\" }}", "HELLO|hello")]
    [InlineData("{{ title \"hello world\" }}|{{ title \"hELLO wORLD\" }}|{{ title \"ab_cd ef-gh\" }}", "Hello World|HELLO WORLD|Ab_cd Ef-Gh")]
    [InlineData("{{ untitle \"Hello World\" }}|{{ untitle \"First Try\" }}", "hello world|first try")]
    [InlineData("{{ repeat 3 \"hello\" }}|{{ \"ab\" | repeat 2 }}", "hellohellohello|abab")]
    [InlineData("{{ substr 0 5 \"hello world\" }}|{{ \"fooo\" | substr 0 3 }}|{{ \"foo\" | substr 0 10 }}|{{ substr -1 2 \"abc\" }}|{{ substr 1 -1 \"abc\" }}", "hello|foo|foo|ab|bc")]
    [InlineData("{{ nospace \"hello w o r l d\" }}|{{ nospace \"h e l l o \" }}", "helloworld|hello")]
    [InlineData("{{ trunc 5 \"hello world\" }}|{{ trunc -5 \"hello world\" }}", "hello|world")]
    [InlineData("{{ \"foooooo\" | trunc 3 }}|{{ \"baaaaaar\" | trunc -3 }}|{{ \"baaaaaar\" | trunc -999 }}|{{ \"baaaaaz\" | trunc 0 }}|{{ trunc 99 \"ab\" }}", "foo|aar|baaaaaar||ab")]
    [InlineData("{{ abbrev 5 \"hello world\" }}|{{ abbrev 3 \"hello world\" }}|{{ abbrev 20 \"hello world\" }}|{{ abbrev 4 \"hello\" }}", "he...|hello world|hello world|h...")]
    [InlineData("{{ abbrevboth 5 10 \"1234 5678 9123\" }}|{{ abbrevboth 0 10 \"1234 5678 9123\" }}|{{ abbrevboth 5 6 \"1234 5678 9123\" }}", "...5678...|1234 56...|1234 5678 9123")]
    [InlineData("{{ initials \"First Try\" }}|{{ initials \"  a  bc d\" }}", "FT|abd")]
    [InlineData("{{ wrap 5 \"Hello World\" }}|{{ wrap 10 \"The quick brown fox\" }}|{{ wrap 3 \"abcdefgh ij\" }}", "Hello\nWorld|The quick\nbrown fox|abcdefgh\nij")]
    [InlineData("{{ wrapWith 5 \"\\t\" \"Hello World\" }}|{{ wrapWith 3 \"|\" \"abcdefgh\" }}", "Hello\tWorld|abc|def|gh")]
    [InlineData("{{ contains \"cat\" \"catch\" }}|{{ hasPrefix \"cat\" \"catch\" }}|{{ hasSuffix \"cat\" \"catch\" }}", "true|true|false")]
    [InlineData("{{ quote \"hello\" }}|{{ quote \"a\" 1 nil \"b\\\"\" }}|{{ squote \"a\" \"b\" \"c\" }}|{{ squote 1 2 3 }}", "\"hello\"|\"a\" \"1\" \"b\\\"\"|'a' 'b' 'c'|'1' '2' '3'")]
    [InlineData("{{ cat \"hello\" \"beautiful\" \"world\" }}|{{ $b := \"b\" }}{{ \"c\" | cat \"a\" $b }}|{{ cat \"a\" nil 2 }}", "hello beautiful world|a b c|a 2")]
    [InlineData("{{ indent 4 \"a\\nb\\nc\" }}|{{ nindent 2 \"a\\nb\" }}", "    a\n    b\n    c|\n  a\n  b")]
    [InlineData("{{ replace \" \" \"-\" \"I Am Henry VIII\" }}|{{ \"aaa\" | replace \"a\" \"b\" }}|{{ replace \"\" \"-\" \"ab\" }}", "I-Am-Henry-VIII|bbb|-a-b-")]
    [InlineData("{{ $num := len \"two\" }}{{ $num }} {{ $num | plural \"1 char\" \"chars\" }}|{{ len \"t\" | plural \"cheese\" \"%d chars\" }}|{{ plural \"one\" \"many\" 0 }}", "3 chars|cheese|many")]
    [InlineData("{{ snakecase \"FirstName\" }}|{{ snakecase \"HTTPServer\" }}|{{ snakecase \"some-label name\" }}", "first_name|http_server|some_label_name")]
    [InlineData("{{ kebabcase \"FirstName\" }}|{{ camelcase \"http_server\" }}|{{ camelcase \"alert_name_x\" }}", "first-name|HttpServer|AlertNameX")]
    [InlineData("{{ swapcase \"This Is A.Test\" }}", "tHIS iS a.tEST")]
    [InlineData("{{ toString 42 }}|{{ toString 1.5 }}|{{ toString true }}|{{ toString nil }}|{{ toString (list 1 2) }}", "42|1.5|true|<nil>|[1 2]")]
    [InlineData("{{ hello }}", "Hello!")]
    public void Strings(string text, string expected) => Assert.Equal(expected, Text(text));

    [Theory]
    [InlineData("{{ splitList \"$\" \"foo$bar$baz\" }}|{{ len (splitList \",\" \"\") }}", "[foo bar baz]|1")]
    [InlineData("{{ $a := split \"$\" \"foo$bar$baz\" }}{{ $a._0 }}|{{ $a }}", "foo|map[_0:foo _1:bar _2:baz]")]
    [InlineData("{{ $a := splitn \"$\" 2 \"foo$bar$baz\" }}{{ $a._0 }}|{{ $a._1 }}", "foo|bar$baz")]
    [InlineData("{{ join \"_\" (list \"hello\" \"world\") }}|{{ join \", \" .CommonLabels.Values }}|{{ join \"-\" (list 1 nil 2) }}|{{ join \",\" \"one\" }}", "hello_world|HighLatency, critical|1-2|one")]
    [InlineData("{{ sortAlpha (list \"b\" \"a\" \"C\") }}|{{ sortAlpha .CommonLabels.Values }}|{{ sortAlpha 5 }}", "[C a b]|[HighLatency critical]|[5]")]
    [InlineData("{{ toStrings (list 1 2 3) }}|{{ typeOf (toStrings (list 1 2 3)) }}|{{ index (toStrings (list 1)) 0 | typeOf }}", "[1 2 3]|[]string|string")]
    public void StringSlices(string text, string expected) => Assert.Equal(expected, Text(text));

    [Fact]
    public void RandomStringsHaveTheirLengthAndAlphabet()
    {
        Assert.Matches("^[A-Za-z0-9]{12}$", Text("{{ randAlphaNum 12 }}"));
        Assert.Matches("^[A-Za-z]{7}$", Text("{{ randAlpha 7 }}"));
        Assert.Matches("^[0-9]{5}$", Text("{{ randNumeric 5 }}"));
        Assert.Matches("^[ -~]{9}$", Text("{{ randAscii 9 }}"));
        Assert.Equal("abcdef", string.Concat(Text("{{ shuffle \"abcdef\" }}").Order()));
    }

    [Theory]
    [InlineData("{{ repeat -1 \"a\" }}", "error calling repeat: strings: negative Repeat count")]
    [InlineData("{{ substr 3 1 \"hello\" }}", "error calling substr: runtime error: slice bounds out of range [3:1]")]
    [InlineData("{{ trunc \"5\" \"abc\" }}", "expected integer; found \"5\"")]
    [InlineData("{{ repeat (add 1 1) \"a\" }}", "wrong type for value; expected int; got int64")]
    public void FailsAsInGo(string text, string message) => Assert.EndsWith(message, Error(text));
}
