namespace Alerting.Core.Configuration;

internal sealed partial class ConfigMapper
{
    /// <summary>Alertmanager's tracing.TracingConfig.UnmarshalYAML: a present section needs an endpoint.</summary>
    private TracingConfig? ReadTracing(MapReader top)
    {
        if (!top.Has("tracing"))
        {
            top.Ignore("tracing");
            return null;
        }
        if (top.Map("tracing") is not { } t)
        {
            return null;
        }
        var clientType = t.String("client_type") ?? "grpc";
        if (clientType is not ("grpc" or "http"))
        {
            t.Error("client_type", $"expected tracing client type to be to be http or grpc, but got {clientType}");
        }
        var endpoint = t.String("endpoint") ?? "";
        if (endpoint.Length == 0)
        {
            t.Error("endpoint", "tracing endpoint must be set");
        }
        var compression = t.String("compression") ?? "";
        if (compression is not ("" or "gzip"))
        {
            t.Error("compression", $"invalid compression type {compression} provided, valid options: gzip");
        }
        var fraction = t.Float("sampling_fraction") ?? 0;
        if (fraction is < 0 or > 1)
        {
            t.Error("sampling_fraction", $"sampling_fraction must be between 0 and 1, not {fraction}");
        }
        var config = new TracingConfig
        {
            ClientType = clientType,
            Endpoint = endpoint,
            SamplingFraction = fraction,
            Insecure = t.Bool("insecure", false),
            TlsConfig = t.TlsConfig("tls_config"),
            Headers = ReadTracingHeaders(t.Map("headers")),
            Compression = compression,
            Timeout = t.Duration("timeout") ?? TimeSpan.Zero,
            Line = LoadContext.Line(t.Node),
        };
        t.Finish();
        return config;
    }

    /// <summary>prometheus/common's Headers: <c>Name: {values: [...], secrets: [...], files: [...]}</c>.</summary>
    private List<TracingHeader> ReadTracingHeaders(MapReader? h)
    {
        var headers = new List<TracingHeader>();
        if (h is null)
        {
            return headers;
        }
        foreach (var name in h.Keys.ToList())
        {
            if (h.Map(name) is not { } header)
            {
                continue;
            }
            var files = (header.StringList("files") ?? []).Select(f => ctx.ResolvePath(f) ?? f).ToList();
            headers.Add(new TracingHeader(name, header.StringList("values") ?? [], header.StringList("secrets") ?? [], files));
            header.Finish();
        }
        h.Finish();
        return headers;
    }
}
