using System.Diagnostics;

namespace Alerting.Infrastructure;

/// <summary>
/// Busy loops in processes of their own (<c>sh -c 'while :; do :; done'</c>), as other work on the machine would be:
/// they compete with the service and the test for the cores at the same priority. Disposing kills exactly them.
/// </summary>
public sealed class CpuHogs : IDisposable
{
    private readonly List<Process> _processes;

    private CpuHogs(List<Process> processes) => _processes = processes;

    public int Count => _processes.Count;

    public IEnumerable<int> ProcessIds => _processes.Select(p => p.Id);

    public static CpuHogs Start(int count) =>
        new([.. Enumerable.Range(0, count).Select(_ => Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!)]);

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.Kill();
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Exited already.
            }
            process.Dispose();
        }
        _processes.Clear();
    }
}
