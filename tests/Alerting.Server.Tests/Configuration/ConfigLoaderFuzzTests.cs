using System.Collections.Concurrent;
using System.Diagnostics;
using Alerting.Core.Configuration;
using Alerting.Core.Infrastructure;
using Alerting.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.Configuration;

/// <summary>
/// Mutated configuration files: the loader either loads them or throws <see cref="ConfigException"/> whose every
/// error names this file, so a broken file never crashes the service or a reload with anything else.
/// </summary>
public sealed class ConfigLoaderFuzzTests(ITestOutputHelper output)
{
    private const string Small = """
        global:
          resolve_timeout: 5m
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 30s
          routes:
            - receiver: db
              matchers: ['team="db"', 'severity=~"crit.*"']
              continue: true
              mute_time_intervals: [nights]
        receivers:
          - name: default
            webhook_configs:
              - url: http://127.0.0.1:5001/hook?token=s3cr3t
                max_alerts: 10
          - name: db
            slack_configs:
              - api_url: https://hooks.slack.com/services/T/B/X
                channel: '#db'
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [cluster]
        time_intervals:
          - name: nights
            time_intervals:
              - times: [{start_time: '00:00', end_time: '06:00'}]
                weekdays: ['monday:friday']
        server:
          limits:
            max_body_bytes: 65536
          auth:
            write:
              bearer_tokens: [t]
        """;

    [Fact]
    public void Mutated_configs_load_or_fail_with_config_errors_naming_the_file()
    {
        var (seed, cases) = (Mutator.Seed, Mutator.Cases);
        var clock = Stopwatch.StartNew();
        int loaded = 0, refused = 0;
        var failures = new ConcurrentBag<string>();
        // Cases are independent (each has its own generator), so they run on every core.
        Parallel.For(0, cases, i =>
        {
            var mutator = new Mutator(seed, i);
            // The small file most of the time: it loads faster, so more cases reach the mapper.
            var yaml = mutator.MutateYaml(mutator.Random.Next(8) == 0 ? SampleConfigs.Full : Small);
            try
            {
                TestConfig.Load(yaml, "fuzz.yml");
                Interlocked.Increment(ref loaded);
            }
            catch (ConfigException e)
            {
                Interlocked.Increment(ref refused);
                if (e.Errors.Count == 0 || e.Errors.Any(x => x.File != "fuzz.yml" || x.Line < 0 || string.IsNullOrWhiteSpace(x.Message)))
                {
                    failures.Add($"case {i}: errors without file, line or message: {Mutator.Shorten(e.Message)}");
                }
            }
            catch (Exception e)
            {
                failures.Add($"case {i}: {e.GetType().Name}: {e.Message}\n{Mutator.Shorten(yaml, 400)}\n{e.StackTrace}");
            }
        });
        output.WriteLine($"fuzz config loader (seed {seed}): {cases} cases, {refused} refused with ConfigException, {loaded} loaded, {failures.Count} other exceptions, {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        Assert.True(refused > 0 && loaded > 0, "the mutations should produce both valid and invalid files");
    }
}
