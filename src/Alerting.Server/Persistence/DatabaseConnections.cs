using Npgsql;

namespace Alerting.Persistence;

internal static class DatabaseConnections
{
    /// <summary>
    /// Nothing here changes session state, so a pooled connection needs no DISCARD ALL (a statement per batch) on
    /// reuse, and it keeps its prepared statements: the same few statements run on every request, flush and send,
    /// and re-planning them cost more than running them.
    /// </summary>
    public static string Pooled(string connectionString, Action<NpgsqlConnectionStringBuilder>? more = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 };
        more?.Invoke(builder);
        return builder.ConnectionString;
    }
}
