using Npgsql;

namespace Alerting.Persistence.Upgrades;

/// <summary>Row counts and md5 digests of what a query returns, to compare a table before and after an upgrade or a restore.</summary>
internal static class Digest
{
    /// <summary>The md5 of the rows <paramref name="select"/> returns, each as text, in the order given by <paramref name="orderBy"/>.</summary>
    public static async Task<string> OfAsync(string connectionString, string select, string orderBy)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(t::text, '|' ORDER BY {orderBy}), '')) FROM ({select}) t", conn)
        {
            CommandTimeout = 120,
        };
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
