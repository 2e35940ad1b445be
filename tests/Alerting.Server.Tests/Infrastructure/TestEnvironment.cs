using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Alerting.Infrastructure;

/// <summary>Where the repository is, free ports, and what an instance's /metrics says: shared by every test.</summary>
public static class TestEnvironment
{
    /// <summary>The folder holding Alerting.sln, found upwards from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// The reference material in the repository (<c>tests/reference/</c>, copied from the captures of the real
    /// Alertmanager 0.25 and its test files), so a clone anywhere has it. Tests that need it skip locally when it is
    /// missing, and fail under CI=true (<see cref="SharedReferenceTheoryAttribute"/>).
    /// </summary>
    public static string SharedReference { get; } = Path.Combine(RepositoryRoot, "tests", "reference");

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The sum of a metric's series in the /metrics of the instance <paramref name="client"/> talks to; 0 when it has none.</summary>
    public static async Task<double> MetricAsync(HttpClient client, string name)
    {
        var text = await client.GetStringAsync("metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Alerting.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Alerting.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>A theory over files in <see cref="TestEnvironment.SharedReference"/>: skipped locally without them, run (and failing) under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedReferenceTheoryAttribute : TheoryAttribute
{
    public SharedReferenceTheoryAttribute(string folder)
    {
        if (!Directory.Exists(Path.Combine(TestEnvironment.SharedReference, folder)) && !Tools.InCi)
        {
            Skip = $"{Path.Combine(TestEnvironment.SharedReference, folder)} is missing; CI=true makes this a failure";
        }
    }
}
