using System.Text.RegularExpressions;
using Npgsql;

namespace Alerting.Persistence.Embedded;

/// <summary>Server-level chores shared by the embedded cluster and the test fixture.</summary>
internal static partial class PostgresAdmin
{
    private const string DuplicateDatabase = "42P04";

    /// <summary>Returns <paramref name="connectionString"/> pointed at another database.</summary>
    public static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    /// <summary>CREATE DATABASE through a server connection; returns the new database's connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(
        string serverConnectionString, string name, bool ifMissing, CancellationToken ct)
    {
        // Names are interpolated into DDL, so only plain identifiers are allowed.
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException(
                $"Database name '{name}' must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters).",
                nameof(name));
        }

        // No pooling: an idle pooled connection would block a later DROP DATABASE of the admin database.
        var admin = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(ct);

        if (ifMissing)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if (await exists.ExecuteScalarAsync(ct) is not null)
            {
                return WithDatabase(serverConnectionString, name);
            }
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (ifMissing && e.SqlState == DuplicateDatabase)
        {
            // Someone else created it between our check and CREATE: that is what we wanted.
        }

        return WithDatabase(serverConnectionString, name);
    }

    /// <summary>Retries <c>SELECT 1</c> until it succeeds or <paramref name="timeout"/> passes.</summary>
    public static async Task WaitUntilReadyAsync(
        string connectionString, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var probe = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString;
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(ct);
                return;
            }
            // A wrong password (SQLSTATE class 28) will not fix itself by waiting.
            catch (Exception e) when (e is NpgsqlException or TimeoutException
                                      && e is not PostgresException { SqlState: ['2', '8', ..] }
                                      && !ct.IsCancellationRequested)
            {
                if (time.GetElapsedTime(started) > timeout)
                {
                    throw new EmbeddedPostgresException(
                        $"PostgreSQL did not answer SELECT 1 within {timeout.TotalSeconds:0} s: {e.Message}", e);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
