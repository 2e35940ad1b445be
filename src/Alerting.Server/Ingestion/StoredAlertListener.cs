using Alerting.Configuration;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Alerting.Ingestion;

/// <summary>
/// Keeps <see cref="StoredAlertCache"/> honest when several instances share the database: every alert write
/// announces itself with <c>pg_notify</c> at commit, and a write by any other instance clears this instance's
/// view. The view is on only while this LISTEN connection is up; it is cleared again after a reconnect,
/// since writes announced meanwhile were missed.
/// </summary>
internal sealed class StoredAlertListener(NpgsqlDataSource db, StoredAlertCache cache, InstanceInfo instance, TimeProvider time, ILogger<StoredAlertListener> log) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Listens until the connection fails, then again after a short wait, for as long as the service runs (Polly).
        var reconnect = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && !(e is OperationCanceledException && stoppingToken.IsCancellationRequested)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                Delay = Retry,
                UseJitter = false,
                OnRetry = args =>
                {
                    log.LogWarning("Listening for other instances' alert writes failed, every alert goes to the database until it is back: {Error}",
                        args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        try
        {
            await reconnect.ExecuteAsync(ListenAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Listens on one connection until it fails or the service stops.</summary>
    private async ValueTask ListenAsync(CancellationToken stoppingToken)
    {
        await using var conn = await db.OpenConnectionAsync(stoppingToken);
        conn.Notification += (_, e) =>
        {
            if (e.Payload != instance.Name)
            {
                cache.Clear();
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {BatchWriter.WrittenChannel}", conn))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }
        cache.SetEnabled(true);
        try
        {
            while (true)
            {
                await conn.WaitAsync(stoppingToken);
            }
        }
        finally
        {
            // Pooled connections are not reset on return (NoResetOnClose): do not hand one back still listening.
            cache.SetEnabled(false);
            await UnlistenAsync(conn);
        }
    }

    private static async Task UnlistenAsync(NpgsqlConnection conn)
    {
        try
        {
            if (conn.State == System.Data.ConnectionState.Open)
            {
                await using var unlisten = new NpgsqlCommand("UNLISTEN *", conn);
                await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // A broken connection is not returned to the pool anyway.
        }
    }
}
