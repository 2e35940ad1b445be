using Npgsql;

namespace Alerting.Persistence;

/// <summary>
/// Connections whose commits do not wait for the WAL flush (<c>synchronous_commit = off</c>), for writes whose
/// loss in a PostgreSQL crash only makes the engine decide again: group claims and flush decisions, leases,
/// attempt records. A crash loses at most the last few hundred milliseconds of them (three times
/// <c>wal_writer_delay</c>); the group is then flushed again. Nothing is sent on a relaxed commit alone: the
/// delivery claim before each send is durable, and its commit flushes the decision behind it (a flush that claims
/// its rows itself, on the in-memory bus, commits durably instead). Alerts,
/// silences and the notification log are written through the ordinary, durable data source.
/// </summary>
internal sealed record RelaxedDb(NpgsqlDataSource Source, NpgsqlDataSource GenericPlans) : IAsyncDisposable
{
    /// <summary>The host disposes it on stop: its pools' connections close then, not when they idle out.</summary>
    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        await GenericPlans.DisposeAsync();
    }

    public static RelaxedDb Create(string connectionString) => new(
        Pool(connectionString, "-c synchronous_commit=off", "alerting-relaxed"),
        Pool(connectionString, "-c synchronous_commit=off " + GenericPlanDb.Settings, "alerting-relaxed"));

    /// <summary>A pool of the service's usual connections with these server settings.</summary>
    internal static NpgsqlDataSource Pool(string connectionString, string options, string applicationName) =>
        new NpgsqlDataSourceBuilder(DatabaseConnections.Pooled(connectionString, b =>
        {
            // After the database URL's own options, which are kept.
            b.Options = DatabaseConnections.WithOptions(b.Options, options);
            b.ApplicationName = applicationName;
        })).Build();
}

/// <summary>
/// Durable connections whose prepared statements keep one generic plan, for the ingestion writer and the delivery
/// claim. PostgreSQL re-plans their statements on every call otherwise (0.1-0.4 ms each): their generic plans look
/// dearer to it than they are.
/// </summary>
internal sealed record GenericPlanDb(NpgsqlDataSource Source) : IAsyncDisposable
{
    /// <summary>
    /// One generic plan per statement, never a sequential scan where an index will do. The plan is made on a
    /// connection's first use of the statement and kept for the connection's life, and made while a table is small it
    /// scans that table: the ingestion statement then hash-joined every stored alert, and PostgreSQL's CPU per new
    /// alert doubled in half the profile runs (auto_explain showed the plan). Every statement on these pools reads
    /// rows by key.
    /// </summary>
    internal const string Settings = "-c plan_cache_mode=force_generic_plan -c enable_seqscan=off";

    public ValueTask DisposeAsync() => Source.DisposeAsync();

    public static GenericPlanDb Create(string connectionString) =>
        new(RelaxedDb.Pool(connectionString, Settings, "alerting-writer"));
}
