namespace Alerting.Core.Configuration;

public sealed class MessageSettingsTests
{
    [Fact]
    public void Time_zone_and_receiver_language_load()
    {
        var config = ConfigLoader.Load("""
            global:
              time_zone: Asia/Shanghai
              language: en
            route:
              receiver: r
            receivers:
              - name: r
                language: zh-CN
            """, "a.yml", channels: []);
        Assert.Equal("Asia/Shanghai", config.Global.TimeZone);
        Assert.Equal("zh-CN", config.Receivers[0].Language);
    }

    [Theory]
    [InlineData("global:\n  time_zone: Mars/Olympus\nroute:\n  receiver: r\nreceivers:\n  - name: r\n", "a.yml:2: global.time_zone: unknown time zone \"Mars/Olympus\"")]
    [InlineData("route:\n  receiver: r\nreceivers:\n  - name: r\n    language: 'zh CN'\n", "a.yml:5: receivers[0].language: invalid language tag")]
    public void Bad_values_name_file_line_and_field(string yaml, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(yaml, "a.yml", channels: []));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
