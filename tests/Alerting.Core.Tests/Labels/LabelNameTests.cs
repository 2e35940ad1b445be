namespace Alerting.Core.Labels;

public sealed class LabelNameTests
{
    [Theory]
    [InlineData("alertname", true)]
    [InlineData("_private", true)]
    [InlineData("a1_b2", true)]
    [InlineData("1abc", false)]
    [InlineData("a-b", false)]
    [InlineData("a:b", false)]
    [InlineData("", false)]
    [InlineData("名字", false)]
    public void Validates_like_Alertmanager(string name, bool valid) => Assert.Equal(valid, LabelName.IsValid(name));

    [Fact]
    public void Lone_surrogates_are_not_valid_utf8()
    {
        Assert.True(LabelName.IsValidValue("ok ✓ 😀"));
        Assert.False(LabelName.IsValidValue("bad \uD800"));
        Assert.False(LabelName.IsValidValue("\uDC00bad"));
    }
}
