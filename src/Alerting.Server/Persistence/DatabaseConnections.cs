using Npgsql;

namespace Alerting.Persistence;

internal static class DatabaseConnections
{
    /// <summary>
    /// Nothing here changes session state, so a pooled connection needs no DISCARD ALL (a statement per batch) on
    /// reuse, and it keeps its prepared statements: the same few statements run on every request, flush and send,
    /// and re-planning them cost more than running them.
    /// </summary>
    /// <remarks>
    /// Sessions run without PostgreSQL's JIT (<see cref="NoJit"/>), ahead of any options the database URL gives, which
    /// may turn it back on.
    /// </remarks>
    public static string Pooled(string connectionString, Action<NpgsqlConnectionStringBuilder>? more = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 };
        builder.Options = WithOptions(NoJit, builder.Options);
        more?.Invoke(builder);
        return builder.ConnectionString;
    }

    /// <summary>
    /// Every statement here is short. Above <c>jit_above_cost</c> PostgreSQL compiles a plan with LLVM at each
    /// execution: tens of milliseconds, and the backend maps about 50 MB of libLLVM and keeps it until the connection
    /// closes (the soak's PostgreSQL memory stepped up 46 MB at once: bench/findings.md, session 19).
    /// </summary>
    internal const string NoJit = "-c jit=off";

    /// <summary>Server options one after the other: a later <c>-c</c> of the same setting wins.</summary>
    public static string WithOptions(params string?[] options) => string.Join(' ', options.Where(o => !string.IsNullOrWhiteSpace(o)));
}
