using System.Numerics;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Formatting;

/// <summary>fmt's verbs, flags, width and precision; each expectation is Go 1.19's output.</summary>
public sealed class GoFmtTests
{
    public static TheoryData<string, object?, string> Verbs => new()
    {
        { "%d", 42L, "42" },
        { "%5d", 42L, "   42" },
        { "%-5d", 42L, "42   " },
        { "%05d", -42L, "-0042" },
        { "%+d", 7L, "+7" },
        { "%x", 255L, "ff" },
        { "%#X", 255L, "0XFF" },
        { "%o", 8L, "10" },
        { "%#o", 8L, "010" },
        { "%O", 8L, "0o10" },
        { "%b", 5L, "101" },
        { "%c", 65L, "A" },
        { "%q", 65L, "'A'" },
        { "%U", 0x1F600L, "U+1F600" },
        { "%#U", 0x1F600L, "U+1F600 '😀'" },
        { "%.3d", 7L, "007" },
        { "%s", "héllo", "héllo" },
        { "%q", "a\"b\n", "\"a\\\"b\\n\"" },
        { "%x", "hi", "6869" },
        { "% X", "hi", "68 69" },
        { "%10.3s", "abcdef", "       abc" },
        { "%-6s", "ab", "ab    " },
        { "%5.1q", "abc", "  \"a\"" },
        { "%t", true, "true" },
        { "%v", 1.0, "1" },
        { "%v", 1e21, "1e+21" },
        { "%v", 1e20, "1e+20" },
        { "%v", 0.000012, "1.2e-05" },
        { "%g", 100000.0, "100000" },
        { "%g", 1e6, "1e+06" },
        { "%e", 1234.5678, "1.234568e+03" },
        { "%.2e", 0.000123, "1.23e-04" },
        { "%E", 1e-10, "1.000000E-10" },
        { "%f", 1.0, "1.000000" },
        { "%.2f", 2.675, "2.67" },
        { "%.0f", 2.5, "2" },
        { "%8.3f", -3.14159, "  -3.142" },
        { "%+.1f", 2.5, "+2.5" },
        { "% .2f", 1.5, " 1.50" },
        { "%G", 1e-7, "1E-07" },
        { "%.3g", 1234.5678, "1.23e+03" },
        { "%#g", 1.0, "1.00000" },
        { "%b", 1.0, "4503599627370496p-52" },
        { "%x", 1.0, "0x1p+00" },
        { "%X", -3.5, "-0X1.CP+01" },
        { "%.1x", 1.0, "0x1.0p+00" },
        { "%d", "x", "%!d(string=x)" },
        { "%s", 1L, "%!s(int=1)" },
        { "%z", 3L, "%!z(int=3)" },
        { "%!", 1L, "%!!(int=1)" },
        { "%T", 1L, "int" },
        { "%T", "s", "string" },
        { "%T", 1.5, "float64" },
        { "%v", null, "<nil>" },
        { "%s", null, "%!s(<nil>)" },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void FormatsOneValueAsGo(string format, object? value, string expected) =>
        Assert.Equal(expected, GoFmt.Sprintf(format, [value]));

    [Fact]
    public void ComplexNumbersPrintInParentheses()
    {
        Assert.Equal("(0+1i)", GoFmt.Sprintf("%v", [new Complex(0, 1)]));
        Assert.Equal("(1.0+2.0i)", GoFmt.Sprintf("%.1f", [new Complex(1, 2)]));
    }

    [Fact]
    public void MissingExtraAndBadArguments()
    {
        Assert.Equal("1 %!d(MISSING)", GoFmt.Sprintf("%d %d", [1L]));
        Assert.Equal("1%!(EXTRA int=2, string=x)", GoFmt.Sprintf("%d", [1L, 2L, "x"]));
        Assert.Equal("abc%!(NOVERB)", GoFmt.Sprintf("abc%", []));
        Assert.Equal("%!d(BADINDEX)", GoFmt.Sprintf("%[3]d", [1L]));
        Assert.Equal("%!(BADWIDTH)1", GoFmt.Sprintf("%*d", ["x", 1L]));
        Assert.Equal("100%", GoFmt.Sprintf("100%%", []));
    }

    [Fact]
    public void ArgumentIndexesAndStars()
    {
        Assert.Equal("2 1", GoFmt.Sprintf("%[2]d %[1]d", [1L, 2L]));
        Assert.Equal("    1|3.14", GoFmt.Sprintf("%*d|%.*f", [5L, 1L, 2L, 3.14159]));
    }

    [Fact]
    public void SprintAddsSpacesBetweenNonStrings()
    {
        Assert.Equal("1 2ab3", GoFmt.Sprint([1L, 2L, "a", "b", 3L]));
        Assert.Equal("a1b", GoFmt.Sprint(["a", 1L, "b"]));
        Assert.Equal("1 a true\n", GoFmt.Sprintln([1L, "a", true]));
    }

    [Fact]
    public void CompositeValuesPrintAsGo()
    {
        var map = GoMap.Create(GoTypes.AnyMap, [new("b", (object?)"2"), new("a", 1L), new("c", null)], null);
        Assert.Equal("map[a:1 b:2 c:<nil>]", GoFmt.Sprint(map));
        Assert.Equal("[a b]", GoFmt.Sprint(GoSlice.Strings(["a", "b"])));
        Assert.Equal("[\"a\" \"b\"]", GoFmt.Sprintf("%q", [GoSlice.Strings(["a", "b"])]));
        Assert.Equal("[]string{\"a\", \"b\"}", GoFmt.Sprintf("%#v", [GoSlice.Strings(["a", "b"])]));
        Assert.Equal("[%!d(string=x)]", GoFmt.Sprintf("%d", [GoSlice.Strings(["x"])]));
    }
}
