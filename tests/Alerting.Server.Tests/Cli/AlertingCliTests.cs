namespace Alerting.Cli;

public sealed class AlertingCliTests
{
    [Fact]
    public void Check_config_prints_a_summary_and_succeeds()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "ok.yml");
        File.WriteAllText(path, Infrastructure.AlertingTestHost.DefaultConfig);
        var (code, stdout, stderr) = Run(path);
        Assert.Equal(0, code);
        Assert.Contains("SUCCESS", stdout);
        Assert.Contains("default", stdout);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void Check_config_names_file_line_and_field_and_fails()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        var bad = Path.Combine(dir, "alerting.yml");
        File.WriteAllText(bad, """
            route:
              receiver: default
              routes:
                - receiver: ops
            receivers:
              - name: default
            """);
        var good = Path.Combine(dir, "good.yml");
        File.WriteAllText(good, Infrastructure.AlertingTestHost.DefaultConfig);
        var (code, stdout, stderr) = Run(good, bad);
        Assert.Equal(1, code);
        Assert.Contains("SUCCESS", stdout); // the good file is still checked
        Assert.Contains($"{bad}:4: route.routes[0].receiver: receiver \"ops\" is not defined", stderr);
    }

    [Fact]
    public void Missing_file_is_reported_plainly()
    {
        var (code, _, stderr) = Run("/nonexistent/alerting.yml");
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/alerting.yml: cannot read configuration: file not found", stderr);
    }

    [Fact]
    public void Flags_parse_in_both_forms_and_Alertmanager_only_flags_warn()
    {
        var parsed = CommandLine.Parse(["--config.file", "a.yml", "--web.listen-address=127.0.0.1:9999", "--database.url=postgres://u:p@h/db",
            "--storage.path", "/var/lib/alerting", "--cluster.listen-address=", "--web.route-prefix=/am", "--log.level=debug",
            "--web.config.file", "web.yml", "--storage.embedded-restart-attempts=3", "--log.format=json"]);
        Assert.Equal("a.yml", parsed.Options.ConfigFile);
        Assert.Equal("127.0.0.1:9999", parsed.Options.ListenAddress);
        Assert.Equal("postgres://u:p@h/db", parsed.Options.DatabaseUrl);
        Assert.Equal("/var/lib/alerting", parsed.Options.StoragePath);
        Assert.Equal(3, parsed.Options.EmbeddedRestartAttempts);
        Assert.Equal("/am", parsed.Options.EffectiveRoutePrefix());
        Assert.Equal("debug", parsed.Options.LogLevel);
        Assert.Equal("json", parsed.Options.LogFormat);
        // --web.config.file is honoured (TLS), no longer ignored with a warning.
        Assert.Equal("web.yml", parsed.Options.WebConfigFile);
        Assert.Single(parsed.Warnings);
        Assert.Contains("cluster.listen-address", parsed.Warnings[0]);
    }

    [Fact]
    public void Database_and_RabbitMQ_urls_come_from_files_and_not_with_the_inline_form()
    {
        var dir = Directory.CreateTempSubdirectory("alerting-cli-");
        try
        {
            var db = Path.Join(dir.FullName, "database-url");
            var mq = Path.Join(dir.FullName, "rabbitmq-url");
            File.WriteAllText(db, "postgres://u:p@h/db\n");
            File.WriteAllText(mq, "amqp://u:p@mq:5672/\n");
            var options = CommandLine.Parse([$"--database.url-file={db}", "--bus.rabbitmq-url-file", mq]).Options;
            Assert.Equal("postgres://u:p@h/db", options.DatabaseUrl);
            Assert.Equal("amqp://u:p@mq:5672/", options.RabbitMqUrl);

            var both = Assert.Throws<UsageException>(() => CommandLine.Parse(["--database.url=postgres://x/y", $"--database.url-file={db}"]));
            Assert.Contains("not both", both.Message);
            var missing = Path.Join(dir.FullName, "absent");
            var e = Assert.Throws<UsageException>(() => CommandLine.Parse([$"--database.url-file={missing}"]));
            Assert.Contains(missing, e.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Defaults_match_Alertmanager()
    {
        var options = CommandLine.Parse([]).Options;
        Assert.Equal("alerting.yml", options.ConfigFile);
        Assert.Equal(":9093", options.ListenAddress);
        Assert.Equal("data/", options.StoragePath);
        Assert.Equal(5, options.EmbeddedRestartAttempts);
        Assert.Equal("logfmt", options.LogFormat);
        Assert.Equal("", options.EffectiveRoutePrefix());
        Assert.Equal("/prefix", (options with { ExternalUrl = "https://am.example.com/prefix/" }).EffectiveRoutePrefix());
    }

    [Theory]
    [InlineData("--nope=1", "unknown flag --nope")]
    [InlineData("--config.file", "flag --config.file needs a value")]
    [InlineData("--log.level=loud", "--log.level must be one of")]
    [InlineData("--log.format=xml", "--log.format must be one of logfmt, json")]
    [InlineData("stray", "unexpected argument")]
    [InlineData("--storage.embedded-restart-attempts=0", "--storage.embedded-restart-attempts: \"0\" is not a positive whole number")]
    public void Bad_flags_say_what_is_wrong(string arg, string message)
    {
        var e = Assert.Throws<UsageException>(() => CommandLine.Parse([arg]));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData(":9093", null, 9093)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("[::1]:9093", "::1", 9093)]
    [InlineData("localhost:80", "localhost", 80)]
    public void Listen_addresses_parse(string address, string? host, int port)
    {
        Assert.Equal((host, port), CommandLine.ParseListenAddress(address));
    }

    [Fact]
    public void Bad_listen_address_is_refused()
    {
        Assert.Throws<UsageException>(() => CommandLine.ParseListenAddress("9093"));
        Assert.Throws<UsageException>(() => CommandLine.ParseListenAddress("example.com:9093"));
    }

    [Theory]
    [InlineData("classic-mode", Core.Matching.MatcherMode.Classic)]
    [InlineData("utf8-strict-mode", Core.Matching.MatcherMode.Utf8Strict)]
    [InlineData("auto-gomemlimit,utf8-strict-mode", Core.Matching.MatcherMode.Utf8Strict)]
    [InlineData("", Core.Matching.MatcherMode.Fallback)]
    public void Enable_feature_chooses_the_matcher_mode(string features, Core.Matching.MatcherMode mode)
    {
        var parsed = CommandLine.Parse([$"--enable-feature={features}"]);
        Assert.Equal(mode, parsed.Options.MatcherMode);
        Assert.Equal(features.Contains("auto-gomemlimit", StringComparison.Ordinal), parsed.Warnings.Count == 1);
        Assert.Equal(Core.Matching.MatcherMode.Fallback, CommandLine.Parse([]).Options.MatcherMode);
    }

    [Theory]
    [InlineData("classic-mode,utf8-strict-mode", "cannot have both classic and UTF-8 modes enabled")]
    [InlineData("fast-mode", "unknown option 'fast-mode' for --enable-feature")]
    public void Enable_feature_refuses_what_Alertmanager_refuses(string features, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => CommandLine.Parse(["--enable-feature", features])).Message);

    [Fact]
    public void Check_config_reads_utf8_names_by_default_and_classic_ones_with_classic_mode()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "utf8.yml");
        File.WriteAllText(path, "route:\n  receiver: r\n  group_by: [service.name]\nreceivers:\n  - name: r\n");
        Assert.Equal(0, Run(path).Code);
        Assert.Equal(0, Run("--enable-feature=utf8-strict-mode", path).Code);
        var (code, _, stderr) = Run("--enable-feature", "classic-mode", path);
        Assert.Equal(1, code);
        Assert.Contains($"{path}:3: route.group_by: invalid label name \"service.name\" in group_by list", stderr);
        Assert.Equal(2, Run("--enable-feature=nope", path).Code);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] files)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = AlertingCli.CheckConfig(files, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
