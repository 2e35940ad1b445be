namespace Alerting.Persistence.Embedded;

/// <summary>Where the embedded cluster keeps its files under the storage path.</summary>
internal sealed record EmbeddedPostgresPaths(string StoragePath)
{
    public string DataDirectory => Path.Combine(StoragePath, "postgres");

    public string PasswordFile => Path.Combine(StoragePath, "postgres.password");

    public string LogFile => Path.Combine(StoragePath, "postgres.log");

    public string VersionFile => Path.Combine(DataDirectory, "PG_VERSION");

    public string PidFile => Path.Combine(DataDirectory, "postmaster.pid");
}
