using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;

namespace Alerting.Benchmarks;

/// <summary>
/// One notification of 100 alerts (kube-prometheus' KubePodCrashLooping over five namespaces, 80 firing and
/// 20 resolved) in Alertmanager's template.Data JSON layout, and the renders measured beside Alertmanager's
/// Go code (bench/gotemplates). Both sides read the same JSON, so the data cannot drift apart.
/// </summary>
internal static class GoTemplateData
{
    /// <summary>Name, template text, html/template or not: the renders bench/gotemplates/main.go also runs.</summary>
    public static readonly (string Name, string Text, bool Html)[] Renders =
    [
        ("slack.default.title", """{{ template "slack.default.title" . }}""", false),
        ("slack.default.text", """{{ template "slack.default.text" . }}""", false),
        ("email.default.subject", """{{ template "email.default.subject" . }}""", false),
        ("email.default.html", """{{ template "email.default.html" . }}""", true),
        ("opsgenie.default.description", """{{ template "opsgenie.default.description" . }}""", false),
    ];

    private static readonly string[] Namespaces = ["payments", "checkout", "search", "identity", "ledger"];
    private static readonly DateTimeOffset Base = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private const string GeneratorUrl = "http://prometheus-k8s-0.monitoring.svc:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_reason%7Breason%3D%22CrashLoopBackOff%22%2Cjob%3D%22kube-state-metrics%22%7D%5B5m%5D%29+%3E%3D+1&g0.tab=1";

    public static NotificationData Data() => AmtoolData.FromJson(Json());

    public static string Json()
    {
        var alerts = Enumerable.Range(0, 100).Select(Alert).ToList();
        var labels = alerts.Select(a => a.Labels).ToList();
        var annotations = alerts.Select(a => a.Annotations).ToList();
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("receiver", "platform-team");
            w.WriteString("status", "firing");
            w.WriteStartArray("alerts");
            foreach (var a in alerts)
            {
                w.WriteStartObject();
                w.WriteString("status", a.Status);
                Map(w, "labels", a.Labels);
                Map(w, "annotations", a.Annotations);
                w.WriteString("startsAt", Rfc3339(a.StartsAt));
                w.WriteString("endsAt", Rfc3339(a.EndsAt));
                w.WriteString("generatorURL", GeneratorUrl);
                w.WriteString("fingerprint", a.Fingerprint);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            Map(w, "groupLabels", [new("alertname", "KubePodCrashLooping"), new("cluster", "eu1-prod")]);
            Map(w, "commonLabels", Common(labels));
            Map(w, "commonAnnotations", Common(annotations));
            w.WriteString("externalURL", "http://alertmanager.monitoring.svc:9093");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes data.json and one "name sha256 bytes" line per render, as main.go -hash prints them.</summary>
    public static void Dump(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "data.json"), Json());
        var data = Data();
        var set = GoTemplateSet.Default;
        foreach (var (name, text, html) in Renders)
        {
            var output = html ? set.ExecuteHtml(text, data) : set.ExecuteText(text, data);
            var bytes = Encoding.UTF8.GetBytes(output);
            File.WriteAllBytes(Path.Combine(dir, "dotnet." + name + ".out"), bytes);
            Console.WriteLine($"{name} {Convert.ToHexStringLower(SHA256.HashData(bytes))} {bytes.Length}");
        }
    }

    private static (string Status, KeyValuePair<string, string>[] Labels, KeyValuePair<string, string>[] Annotations, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Fingerprint) Alert(int i)
    {
        var ns = Namespaces[i % Namespaces.Length];
        var pod = string.Create(CultureInfo.InvariantCulture, $"{ns}-api-7d9f{i * 37 % 256:x2}b6c-{(char)('a' + i % 26)}{i % 7}q{(char)('k' + i % 13)}");
        var container = i % 3 == 0 ? "istio-proxy" : "app";
        var firing = i < 80;
        KeyValuePair<string, string>[] labels =
        [
            new("alertname", "KubePodCrashLooping"), new("cluster", "eu1-prod"), new("container", container),
            new("endpoint", "http"), new("instance", string.Create(CultureInfo.InvariantCulture, $"10.42.{i / 50}.{i % 250 + 10}:8080")),
            new("job", "kube-state-metrics"), new("namespace", ns), new("pod", pod), new("prometheus", "monitoring/k8s"),
            new("service", "kube-state-metrics"), new("severity", "warning"),
        ];
        KeyValuePair<string, string>[] annotations =
        [
            new("description", $"Pod {ns}/{pod} ({container}) is in waiting state (reason: \"CrashLoopBackOff\")."),
            new("runbook_url", "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping"),
            new("summary", "Pod is crash looping."),
        ];
        var startsAt = Base.AddMinutes(-3 * i - 15);
        // Alertmanager hands a firing alert to templates with a zero EndsAt.
        var endsAt = firing ? DateTimeOffset.MinValue : Base.AddMinutes(-i);
        var fingerprint = string.Create(CultureInfo.InvariantCulture, $"{(ulong)i * 0x9E3779B97F4A7C15UL:x16}");
        return (firing ? "firing" : "resolved", labels, annotations, startsAt, endsAt, fingerprint);
    }

    private static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static KeyValuePair<string, string>[] Common(List<KeyValuePair<string, string>[]> sets) =>
        [.. sets[0].Where(p => sets.All(s => s.Contains(p)))];

    private static void Map(Utf8JsonWriter w, string name, KeyValuePair<string, string>[] pairs)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in pairs)
        {
            w.WriteString(k, v);
        }
        w.WriteEndObject();
    }
}
