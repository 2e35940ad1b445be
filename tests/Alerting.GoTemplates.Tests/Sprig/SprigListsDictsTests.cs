namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's lists and dicts (docs/lists.md, docs/dicts.md).</summary>
public sealed class SprigListsDictsTests
{
    private static string Text(string text) => SprigStringsTests.Text(text);

    private const string L = "{{ $l := list 1 2 3 4 5 }}";

    [Theory]
    [InlineData(L + "{{ $l }}|{{ first $l }}|{{ rest $l }}|{{ last $l }}|{{ initial $l }}", "[1 2 3 4 5]|1|[2 3 4 5]|5|[1 2 3 4]")]
    [InlineData(L + "{{ append $l 6 }}|{{ push $l 6 }}|{{ prepend $l 0 }}|{{ $l }}", "[1 2 3 4 5 6]|[1 2 3 4 5 6]|[0 1 2 3 4 5]|[1 2 3 4 5]")]
    [InlineData(L + "{{ concat $l (list 6 7) (list 8) }}|{{ reverse $l }}", "[1 2 3 4 5 6 7 8]|[5 4 3 2 1]")]
    [InlineData("{{ list 1 1 1 2 | uniq }}|{{ uniq (list \"a\" \"b\" \"a\") }}", "[1 2]|[a b]")]
    [InlineData(L + "{{ without $l 1 3 5 }}|{{ has 4 $l }}|{{ has \"4\" $l }}|{{ has 1 nil }}", "[2 4]|true|false|false")]
    [InlineData("{{ compact (list 1 \"a\" \"foo\" \"\") }}|{{ compact (list 0 false nil (list) \"x\") }}", "[1 a foo]|[x]")]
    [InlineData(L + "{{ slice $l }}|{{ slice $l 3 }}|{{ slice $l 1 3 }}|{{ slice $l 0 3 }}|{{ slice (list) }}", "[1 2 3 4 5]|[4 5]|[2 3]|[1 2 3]|<no value>")]
    [InlineData("{{ chunk 3 (list 1 2 3 4 5 6 7 8) }}|{{ chunk 2 (list) }}", "[[1 2 3] [4 5 6] [7 8]]|[]")]
    [InlineData("{{ first (list) }}|{{ last (list) }}|{{ rest (list) }}", "<no value>|<no value>|<no value>")]
    [InlineData("{{ (first .Alerts).Status }}|{{ (last .Alerts).Labels.instance }}|{{ len (rest .Alerts) }}", "firing|api-2|1")]
    [InlineData("{{ tuple 1 \"a\" }}|{{ typeOf (list) }}", "[1 a]|[]interface {}")]
    public void Lists(string text, string expected) => Assert.Equal(expected, Text(text));

    private const string D = "{{ $d := dict \"name1\" \"value1\" \"name2\" \"value2\" }}";

    [Theory]
    [InlineData(D + "{{ $d }}|{{ get $d \"name1\" }}|{{ get $d \"nope\" }}|{{ $d.name2 }}", "map[name1:value1 name2:value2]|value1||value2")]
    [InlineData(D + "{{ $_ := set $d \"name3\" \"value3\" }}{{ $d.name3 }}|{{ $_ := unset $d \"name1\" }}{{ $d }}", "value3|map[name2:value2 name3:value3]")]
    [InlineData(D + "{{ hasKey $d \"name1\" }}|{{ hasKey $d \"name3\" }}", "true|false")]
    [InlineData(D + "{{ $e := dict \"name1\" \"other\" }}{{ pluck \"name1\" $d $e }}|{{ pluck \"x\" $d }}", "[value1 other]|[]")]
    [InlineData(D + "{{ keys $d | sortAlpha }}|{{ values $d | sortAlpha }}|{{ keys $d (dict \"a\" 1) | sortAlpha }}", "[name1 name2]|[value1 value2]|[a name1 name2]")]
    [InlineData(D + "{{ pick $d \"name1\" \"name3\" }}|{{ omit $d \"name1\" \"name3\" }}|{{ $d }}", "map[name1:value1]|map[name2:value2]|map[name1:value1 name2:value2]")]
    [InlineData("{{ dict \"a\" }}|{{ dict 1 2 }}|{{ dict }}", "map[a:]|map[1:2]|map[]")]
    [InlineData("{{ $d := dict \"user\" (dict \"role\" (dict \"humanName\" \"admin\")) }}{{ dig \"user\" \"role\" \"humanName\" \"guest\" $d }}|{{ dig \"user\" \"x\" \"guest\" $d }}", "admin|guest")]
    [InlineData("{{ $dst := dict \"default\" \"default\" \"overwrite\" \"me\" \"key\" \"true\" }}{{ $src := dict \"overwrite\" \"overwritten\" \"key\" \"false\" \"new\" 1 }}{{ merge $dst $src }}",
        "map[default:default key:true new:1 overwrite:me]")]
    [InlineData("{{ $dst := dict \"default\" \"default\" \"overwrite\" \"me\" \"key\" \"true\" }}{{ $src := dict \"overwrite\" \"overwritten\" \"key\" \"false\" \"new\" 1 }}{{ mergeOverwrite $dst $src }}|{{ $dst.overwrite }}",
        "map[default:default key:false new:1 overwrite:overwritten]|overwritten")]
    [InlineData("{{ $a := dict \"x\" (dict \"y\" 1) }}{{ $b := deepCopy $a }}{{ $_ := set $b.x \"y\" 2 }}{{ $a.x.y }}{{ $b.x.y }}", "12")]
    public void Dicts(string text, string expected) => Assert.Equal(expected, Text(text));

    [Theory]
    [InlineData("{{ first \"abc\" }}", "error calling first: Cannot find first on type string")]
    [InlineData("{{ mustPush 1 2 }}", "error calling mustPush: Cannot push on type int")]
    [InlineData("{{ concat (list 1) 2 }}", "error calling concat: Cannot concat type int as list")]
    [InlineData("{{ slice (list 1 2) 1 5 }}", "error calling slice: reflect: slice index out of range")]
    [InlineData("{{ get .CommonLabels \"severity\" }}", "wrong type for value; expected map[string]interface {}; got template.KV")]
    [InlineData("{{ dig \"a\" (dict) }}", "error calling dig: dig needs at least three arguments")]
    public void FailsAsInGo(string text, string message) => Assert.EndsWith(message, SprigStringsTests.Error(text));
}
