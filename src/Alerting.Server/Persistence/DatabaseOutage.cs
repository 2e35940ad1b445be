using Npgsql;

namespace Alerting.Persistence;

internal static class DatabaseOutage
{
    /// <summary>Failures that mean "the database is not there right now", as opposed to a bug.</summary>
    public static bool Is(Exception e) => e is NpgsqlException or TimeoutException
        || (e is InvalidOperationException && e.InnerException is NpgsqlException);
}
