using Alerting.Infrastructure;

namespace Alerting.Persistence.Embedded;

public sealed class PostgresBinariesTests : IDisposable
{
    private readonly TempDirectory _root = new("alerting-bin-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void FindBinaries_OnThisMachine_FindsTheDebianInstall() =>
        Assert.Equal("/usr/lib/postgresql/15/bin", EmbeddedPostgres.FindBinaries());

    [Fact]
    public void FindBinaries_PicksTheHighestCompleteVersion()
    {
        var lib = Path.Combine(_root.Path, "lib");
        FakeTools(Path.Combine(lib, "9.6", "bin"));
        FakeTools(Path.Combine(lib, "14", "bin"));
        FakeTools(Path.Combine(lib, "16", "bin"), "pg_ctl", "postgres"); // no initdb: client-only leftovers
        FakeTools(Path.Combine(lib, "latest", "bin"));

        Assert.Equal(Path.Combine(lib, "14", "bin"), EmbeddedPostgres.FindBinaries("", lib));
    }

    [Fact]
    public void FindBinaries_FollowsSymlinksOnPath_ToTheRealInstall()
    {
        var real = Path.Combine(_root.Path, "lib", "15", "bin");
        FakeTools(real);
        var onPath = Path.Combine(_root.Path, "local-bin");
        Directory.CreateDirectory(onPath);
        foreach (var tool in new[] { "pg_ctl", "initdb", "postgres" })
        {
            File.CreateSymbolicLink(Path.Combine(onPath, tool), Path.Combine(real, tool));
        }

        Assert.Equal(real, EmbeddedPostgres.FindBinaries(onPath, Path.Combine(_root.Path, "none")));
    }

    [Fact]
    public void FindBinaries_PrefersPath()
    {
        var lib = Path.Combine(_root.Path, "lib");
        FakeTools(Path.Combine(lib, "15", "bin"));
        var onPath = Path.Combine(_root.Path, "onpath");
        var partial = Path.Combine(_root.Path, "partial");
        FakeTools(onPath);
        FakeTools(partial, "initdb");

        Assert.Equal(onPath, EmbeddedPostgres.FindBinaries($"{partial}{Path.PathSeparator}{onPath}", lib));
    }

    [Fact]
    public void FindBinaries_WhenNothingIsInstalled_ReturnsNull_AndTheErrorSaysHowToFixIt()
    {
        Assert.Null(EmbeddedPostgres.FindBinaries("", Path.Combine(_root.Path, "missing")));

        Assert.Contains("apt-get install postgresql", EmbeddedPostgres.MissingBinariesMessage, StringComparison.Ordinal);
        Assert.Contains("dnf install postgresql-server", EmbeddedPostgres.MissingBinariesMessage, StringComparison.Ordinal);
        Assert.Contains("--database.url", EmbeddedPostgres.MissingBinariesMessage, StringComparison.Ordinal);
        Assert.Contains("ALERTING_DATABASE_URL", EmbeddedPostgres.MissingBinariesMessage, StringComparison.Ordinal);
    }

    private static void FakeTools(string dir, params string[] tools)
    {
        Directory.CreateDirectory(dir);
        foreach (var tool in tools.Length == 0 ? ["pg_ctl", "initdb", "postgres"] : tools)
        {
            File.WriteAllText(Path.Combine(dir, tool), "");
        }
    }
}
