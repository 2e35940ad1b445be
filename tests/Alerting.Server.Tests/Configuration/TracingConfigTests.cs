using Alerting.Core.Configuration;
using Alerting.Hosting;
using Alerting.Infrastructure;

namespace Alerting.Configuration;

/// <summary>Alertmanager's top-level <c>tracing:</c> section: its fields, defaults and messages, and how the exporter reads it.</summary>
public sealed class TracingConfigTests
{
    private const string Rest = """
        route:
          receiver: r
        receivers:
          - name: r
        """;

    [Fact]
    public void Every_field_is_read_and_absent_means_none()
    {
        Assert.Null(TestConfig.Load(Rest, "a.yml").Tracing);
        var t = TestConfig.Load("""
            tracing:
              client_type: http
              endpoint: otel-collector:4318
              sampling_fraction: 0.25
              insecure: true
              compression: gzip
              timeout: 7s
              tls_config: {ca_file: /etc/ca.pem, server_name: collector}
              headers:
                X-Scope-OrgID: {values: [tenant-1]}
                Authorization: {secrets: [Bearer abc]}
            """ + "\n" + Rest, "a.yml").Tracing!;
        Assert.Equal(("http", "otel-collector:4318", 0.25, true, "gzip", TimeSpan.FromSeconds(7)),
            (t.ClientType, t.Endpoint, t.SamplingFraction, t.Insecure, t.Compression, t.Timeout));
        Assert.Equal("collector", t.TlsConfig!.ServerName);
        Assert.Equal([("X-Scope-OrgID", "tenant-1"), ("Authorization", "Bearer abc")], TracingSetup.HeaderValues(t));
        Assert.Equal(new Uri("http://otel-collector:4318/v1/traces"), TracingSetup.Endpoint(t));
        Assert.Equal(new Uri("https://otel-collector:4317"), TracingSetup.Endpoint(t with { ClientType = "grpc", Insecure = false, Endpoint = "otel-collector:4317" }));
    }

    [Fact]
    public void Defaults_are_Alertmanagers_grpc_with_nothing_sampled_but_what_callers_sampled()
    {
        var t = TestConfig.Load("tracing: {endpoint: 'collector:4317'}\n" + Rest, "a.yml").Tracing!;
        Assert.Equal(("grpc", 0.0, false, "", TimeSpan.Zero), (t.ClientType, t.SamplingFraction, t.Insecure, t.Compression, t.Timeout));
    }

    [Theory]
    [InlineData("tracing: {client_type: http}", "a.yml:1: tracing.endpoint: tracing endpoint must be set")]
    [InlineData("tracing: {endpoint: x, client_type: udp}", "a.yml:1: tracing.client_type: expected tracing client type to be to be http or grpc, but got udp")]
    [InlineData("tracing: {endpoint: x, compression: zstd}", "a.yml:1: tracing.compression: invalid compression type zstd provided, valid options: gzip")]
    [InlineData("tracing: {endpoint: x, sampling_fraction: lots}", "a.yml:1: tracing.sampling_fraction: expected a number, got \"lots\"")]
    [InlineData("tracing: {endpoint: x, sampling: 1}", "a.yml:1: tracing.sampling: field sampling not found (unknown field)")]
    public void Mistakes_name_line_and_field(string tracing, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => TestConfig.Load(tracing + "\n" + Rest, "a.yml"));
        Assert.Contains(expected, e.Errors.Select(x => x.ToString()));
    }

    [Fact]
    public void Off_without_an_endpoint_in_the_file_or_the_environment()
    {
        var none = new Dictionary<string, string>();
        var t = new TracingConfig { Endpoint = "c:4317" };
        Assert.False(TracingSetup.Enabled(null, none.GetValueOrDefault));
        Assert.True(TracingSetup.Enabled(t, none.GetValueOrDefault));
        Assert.True(TracingSetup.Enabled(null, new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://c:4318" }.GetValueOrDefault));
        Assert.True(TracingSetup.Enabled(null, new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://c:4318/v1/traces" }.GetValueOrDefault));
        Assert.False(TracingSetup.Enabled(t, new Dictionary<string, string> { ["OTEL_SDK_DISABLED"] = "true" }.GetValueOrDefault));
    }
}
