using Alerting.Channels;
using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Configuration;

/// <summary>
/// Every secret setting has a <c>*_file</c> form: the file form loads, the two forms together are a config error on
/// the file field, and our own settings (server:) read the file at load, so a changed file applies on reload.
/// </summary>
public sealed class SecretFileTests : IDisposable
{
    private const string Value = "s3cret-value-from-a-file-0123456789abcdef";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("alerting-secrets-");

    /// <summary>A secret setting: where it sits (receiver kind or server path), its key, and a config holding it at {S}.</summary>
    public sealed record Row(string Where, string Key, string Yaml, Func<AlertingConfig, IEnumerable<string>>? ReadAtLoad = null)
    {
        public string FileKey => Key is "bearer_tokens" or "previous_keys" ? Key[..^1] + "_files" : Key + "_file";

        public override string ToString() => $"{Where}.{Key}";
    }

    private const string Route = "route: {receiver: r}\n";

    private const string Email = "to: a@example.com\n        from: b@example.com\n        smarthost: 'smtp:25'\n        auth_username: u";

    private static Row Receiver(string kind, string key, string fields) => new(kind, key, Route + $$"""
        receivers:
          - name: r
            {{kind}}_configs:
              - {{fields}}
                {S}
        """);

    private static Row Global(string kind, string key, string receiverFields) => new("global:" + kind, key, Route + $$"""
        global:
          {S}
        receivers:
          - name: r
            {{kind}}_configs:
              - {{receiverFields}}
        """);

    private static Row Server(string key, string block, Func<AlertingConfig, IEnumerable<string>> read) =>
        new("server", key, Route + "receivers: [{name: r}]\nserver:\n" + block, read);

    public static readonly Row[] Rows =
    [
        // Our own settings, read at load.
        Server("bearer_token", "  grafana:\n    sources:\n      - name: g\n        {S}\n", c => [c.Server.Grafana.Sources[0].BearerToken!]),
        Server("hmac_secret", "  grafana:\n    sources:\n      - name: g\n        {S}\n", c => [c.Server.Grafana.Sources[0].HmacSecret!]),
        Server("password", "  grafana:\n    sources:\n      - name: g\n        basic_auth:\n          username: u\n          {S}\n",
            c => [c.Server.Grafana.Sources[0].BasicAuth!.Password]),
        Server("signing_key", "  links:\n    {S}\n", c => [c.Server.Links.SigningKey!]),
        Server("previous_keys", "  links:\n    {S}\n", c => c.Server.Links.PreviousKeys),
        Server("bearer_tokens", "  auth:\n    write:\n      {S}\n", c => c.Server.Auth.Write.BearerTokens),
        Server("bearer_tokens", "  auth:\n    send:\n      {S}\n", c => c.Server.Auth.Send.BearerTokens),
        Server("password", "  auth:\n    read:\n      basic:\n        - username: u\n          {S}\n", c => [c.Server.Auth.Read.Basic[0].Password]),
        // Channels: their *_file forms are read at each send, as Alertmanager reads them.
        Receiver("dingtalk", "url", "secret: x"),
        Receiver("dingtalk", "secret", "url: https://oapi.dingtalk.com/robot/send?access_token=t"),
        Receiver("feishu", "url", "send_resolved: true"),
        Receiver("feishu", "secret", "url: https://open.feishu.cn/open-apis/bot/v2/hook/t"),
        Receiver("wecom", "url", "send_resolved: true"),
        Receiver("wecom", "key", "send_resolved: true"),
        Receiver("webhook", "url", "send_resolved: true"),
        Receiver("discord", "webhook_url", "send_resolved: true"),
        Receiver("msteams", "webhook_url", "send_resolved: true"),
        Receiver("msteamsv2", "webhook_url", "send_resolved: true"),
        Receiver("mattermost", "webhook_url", "send_resolved: true"),
        Receiver("incidentio", "url", "alert_source_token: t"),
        Receiver("incidentio", "alert_source_token", "url: https://api.incident.io/x"),
        Receiver("slack", "api_url", "channel: '#a'"),
        Receiver("slack", "app_token", "channel: '#a'"),
        Receiver("opsgenie", "api_key", "send_resolved: true"),
        Receiver("pagerduty", "routing_key", "send_resolved: true"),
        Receiver("pagerduty", "service_key", "send_resolved: true"),
        Receiver("pushover", "user_key", "token: t"),
        Receiver("pushover", "token", "user_key: u"),
        Receiver("rocketchat", "token", "token_id: i"),
        Receiver("rocketchat", "token_id", "token: t"),
        Receiver("telegram", "bot_token", "chat_id: 1"),
        Receiver("victorops", "api_key", "routing_key: r"),
        Receiver("wechat", "api_secret", "corp_id: c"),
        Receiver("email", "auth_password", Email),
        Receiver("email", "auth_secret", Email),
        Global("email", "smtp_auth_password", Email),
        Global("email", "smtp_auth_secret", Email),
        Global("slack", "slack_api_url", "channel: '#a'"),
        Global("slack", "slack_app_token", "channel: '#a'"),
        Global("opsgenie", "opsgenie_api_key", "send_resolved: true"),
        Global("victorops", "victorops_api_key", "routing_key: r"),
        Global("telegram", "telegram_bot_token", "chat_id: 1"),
        Global("wechat", "wechat_api_secret", "corp_id: c"),
        Global("mattermost", "mattermost_webhook_url", "send_resolved: true"),
        Global("rocketchat", "rocketchat_token", "token_id: i"),
        Global("rocketchat", "rocketchat_token_id", "token: t"),
    ];

    /// <summary>Secret keys without a file form: none (the SNS sigv4 keys are not among the channels' secret keys).</summary>
    private static readonly HashSet<string> s_noFileForm = [];

    public static TheoryData<Row> AllRows() => [.. Rows];

    public static TheoryData<Row> ReadAtLoad() => [.. Rows.Where(r => r.ReadAtLoad is not null)];

    [Fact]
    public void Every_secret_key_of_every_channel_has_a_row()
    {
        var covered = Rows.Select(r => r.ToString()).ToHashSet(StringComparer.Ordinal);
        var missing = ChannelRegistry.All
            .SelectMany(c => c.SecretKeys.Keys.Select(k => $"{c.Kind}.{k}").Concat(c.GlobalSecretKeys.Select(k => $"global:{c.Kind}.{k}")))
            .Where(k => !covered.Contains(k) && !s_noFileForm.Contains(k))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(AllRows))]
    public void The_file_form_loads(Row row)
    {
        var secret = WriteSecret("secret", Value);
        var config = LoadFile(row, row.FileKey + ": " + Form(row, secret));
        if (row.ReadAtLoad is { } read)
        {
            Assert.All(read(config), v => Assert.Equal(Value, v));
            Assert.NotEmpty(read(config));
        }
    }

    [Theory]
    [MemberData(nameof(AllRows))]
    public void Both_forms_together_are_an_error_on_the_file_field(Row row)
    {
        var secret = WriteSecret("secret", Value);
        var inline = row.FileKey.EndsWith("_files", StringComparison.Ordinal) ? $"[{Value}]" : $"'https://example.com/{Value}'";
        var yaml = row.Yaml.Replace("{S}", row.FileKey + ": " + Form(row, secret), StringComparison.Ordinal);
        // The inline form goes on the line after the file form, with the same indentation.
        var indent = yaml.Split('\n').First(l => l.TrimStart().StartsWith(row.FileKey + ":", StringComparison.Ordinal)).TakeWhile(c => c == ' ').Count();
        yaml = yaml.Replace(row.FileKey + ": " + Form(row, secret), row.FileKey + ": " + Form(row, secret) + "\n" + new string(' ', indent) + row.Key + ": " + inline, StringComparison.Ordinal);
        var e = Assert.Throws<ConfigException>(() => Load(yaml));
        Assert.Contains(e.Errors, x => x.Field.EndsWith(row.FileKey, StringComparison.Ordinal) && x.Line > 0 && x.File.EndsWith("alerting.yml", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ReadAtLoad))]
    public void A_changed_file_applies_at_the_next_load_and_a_missing_one_fails_it_with_the_path(Row row)
    {
        var secret = WriteSecret("secret", Value);
        var yaml = row.Yaml.Replace("{S}", row.FileKey + ": " + Form(row, secret), StringComparison.Ordinal);
        Assert.All(row.ReadAtLoad!(Load(yaml)), v => Assert.Equal(Value, v));

        File.WriteAllText(secret, "rotated-" + Value + "\n");
        Assert.All(row.ReadAtLoad!(Load(yaml)), v => Assert.Equal("rotated-" + Value, v));

        File.Delete(secret);
        var e = Assert.Throws<ConfigException>(() => Load(yaml));
        var error = Assert.Single(e.Errors);
        Assert.EndsWith(row.FileKey, error.Field, StringComparison.Ordinal);
        Assert.Contains(secret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_secret_path_is_read_next_to_the_config()
    {
        WriteSecret("token", Value);
        var config = LoadFile(Rows[0], "bearer_token_file: token");
        Assert.Equal(Value, config.Server.Grafana.Sources[0].BearerToken);
    }

    [Fact]
    public void A_short_signing_key_in_a_file_is_refused()
    {
        var secret = WriteSecret("key", "short\n");
        var e = Assert.Throws<ConfigException>(() => LoadFile(Rows[3], $"signing_key_file: {secret}"));
        Assert.Equal("server.links.signing_key_file", Assert.Single(e.Errors).Field);
    }

    private static string Form(Row row, string path) => row.FileKey.EndsWith("_files", StringComparison.Ordinal) ? $"[{path}]" : path;

    private AlertingConfig LoadFile(Row row, string secretLine) => Load(row.Yaml.Replace("{S}", secretLine, StringComparison.Ordinal));

    private AlertingConfig Load(string yaml)
    {
        var path = Path.Join(_dir.FullName, "alerting.yml");
        File.WriteAllText(path, yaml);
        return TestConfig.LoadFile(path);
    }

    private string WriteSecret(string name, string content)
    {
        var path = Path.Join(_dir.FullName, name);
        File.WriteAllText(path, content + "\n");
        return path;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
