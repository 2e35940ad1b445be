namespace Alerting.Infrastructure;

/// <summary>A uniquely named directory under the temp path, deleted on dispose.</summary>
/// <remarks>Names stay short: the embedded cluster puts its Unix socket in here.</remarks>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "alerting-")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
