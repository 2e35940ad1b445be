using Alerting.Versioning;
using Prometheus;

namespace Alerting.Metrics;

/// <summary>
/// What every Prometheus exporter says about itself: alertmanager_build_info, the process_* series (the mixin's
/// AlertmanagerClusterCrashlooping reads process_start_time_seconds) and the .NET runtime's own meter.
/// </summary>
internal static class RuntimeMetrics
{
    /// <summary>The .NET runtime's meter (GC, heap, thread pool, exceptions, JIT), exported as dotnet_* by the meter adapter.</summary>
    public const string RuntimeMeter = "System.Runtime";

    public static void RegisterBuildInfo(IMetricFactory factory, BuildInfo build)
    {
        // Alertmanager's labels; goversion names the .NET runtime.
        factory.CreateGauge("alertmanager_build_info",
                "A metric with a constant '1' value labeled by version, revision, branch, and goversion from which alertmanager was built.",
                ["version", "revision", "branch", "goversion"])
            .WithLabels(build.Version, build.Revision, build.Branch, BuildInfo.RuntimeVersion).Set(1);
    }

    /// <summary>
    /// prometheus-net's process collector (process_cpu_seconds_total, process_start_time_seconds, process_working_set_bytes,
    /// process_open_handles, ...) plus the three Go client names it lacks, which node and Kubernetes dashboards read.
    /// </summary>
    public static void RegisterProcess(CollectorRegistry registry, IMetricFactory factory)
    {
        DotNetStats.Register(registry);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var resident = factory.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        var openFds = factory.CreateGauge("process_open_fds", "Number of open file descriptors.");
        var maxFds = factory.CreateGauge("process_max_fds", "Maximum number of open file descriptors.");
        registry.AddBeforeCollectCallback(() =>
        {
            resident.Set(Environment.WorkingSet); // RSS on Linux
            openFds.Set(CountOpenFds());
            if (MaxOpenFiles() is { } max)
            {
                maxFds.Set(max);
            }
        });
    }

    /// <summary>Listens to the runtime's meter into the registry until disposed.</summary>
    public static IDisposable ListenToRuntime(CollectorRegistry registry, IMetricFactory factory) =>
        MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = registry,
            MetricFactory = factory,
            // Only the runtime: ASP.NET Core's and HttpClient's meters would add a series per route and host.
            InstrumentFilterPredicate = instrument => instrument.Meter.Name == RuntimeMeter,
        });

    private static int CountOpenFds()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The soft limit from /proc/self/limits: "Max open files  1048576  1048576  files".</summary>
    private static double? MaxOpenFiles()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return soft is null ? null : soft == "unlimited" ? double.PositiveInfinity : double.Parse(soft, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
