using Alerting.Infrastructure;

namespace Alerting.Cli;

public sealed class HealthCheckCommandTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await HealthCheckCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task A_running_instance_is_healthy_and_ready()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var healthy = await RunAsync($"--url={host.BaseAddress}-/healthy");
        Assert.Equal((0, $"{host.BaseAddress}-/healthy: 200 OK\n", ""), healthy);
        Assert.Equal(0, (await RunAsync("--url", $"{host.BaseAddress}-/ready")).Code);
    }

    [Theory]
    [InlineData(503, "503 Service Unavailable")]
    [InlineData(404, "404 Not Found")]
    [InlineData(301, "301 Moved Permanently")]
    public async Task Any_answer_but_200_is_unhealthy(int status, string said)
    {
        using var server = new WebhookSink(status);
        var (code, stdout, stderr) = await RunAsync("--url", server.Url("/-/healthy"));
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"{server.Url("/-/healthy")}: {said}\n", stderr);
    }

    [Fact]
    public async Task No_listener_and_no_answer_in_time_are_unhealthy()
    {
        var refused = await RunAsync("--url", $"http://127.0.0.1:{TestEnvironment.FreeLoopbackPort()}/-/healthy");
        Assert.Equal(1, refused.Code);
        Assert.Contains("Connection refused", refused.Stderr);

        using var slow = new WebhookSink();
        slow.RespondWith(200, TimeSpan.FromSeconds(5));
        var late = await RunAsync("--url", slow.Url("/-/healthy"), "--timeout=300ms");
        Assert.Equal(1, late.Code);
        Assert.Contains("no answer within 0.3s", late.Stderr);
    }

    [Theory]
    [InlineData("--url=ftp://host/x", "is not an http(s) URL")]
    [InlineData("--timeout=soon", "is not a positive duration")]
    [InlineData("--verbose", "unexpected argument \"--verbose\"")]
    [InlineData("--url", "flag --url needs a value")]
    public async Task Bad_flags_exit_2_and_say_why(string arg, string message)
    {
        var (code, _, stderr) = await RunAsync(arg);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void The_default_URL_is_the_image_s_listener()
    {
        // The Dockerfile runs `alerting healthcheck` without flags against --web.listen-address=:9093.
        Assert.Equal("http://127.0.0.1:9093/-/healthy", HealthCheckCommand.DefaultUrl);
    }
}
