using Alerting.Core.Alerts;
using Npgsql;

namespace Alerting.Persistence;

/// <summary>Reads alerts back from PostgreSQL.</summary>
internal sealed class AlertReader(NpgsqlDataSource db)
{
    private const string Columns = "labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, extra";

    /// <summary>Alerts whose endsAt is after <paramref name="now"/>, i.e. still firing.</summary>
    public async Task<List<StoredAlert>> ActiveAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM alerts WHERE ends_at > $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime });
        return await ReadAsync(cmd, ct);
    }

    /// <summary>The <paramref name="limit"/> alerts that ended last, at or before <paramref name="now"/>, newest first.</summary>
    public async Task<List<StoredAlert>> RecentlyResolvedAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM alerts WHERE ends_at <= $1 ORDER BY ends_at DESC LIMIT $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await ReadAsync(cmd, ct);
    }

    /// <summary>One alert, firing or resolved; null when none is stored.</summary>
    public async Task<StoredAlert?> OneAsync(ulong fingerprint, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM alerts WHERE fingerprint = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)fingerprint) });
        return (await ReadAsync(cmd, ct)).SingleOrDefault();
    }

    private static async Task<List<StoredAlert>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var result = new List<StoredAlert>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var alert = new Alert(
                LabelJson.Read(reader.GetString(0)),
                LabelJson.Read(reader.GetString(1)),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetBoolean(6));
            result.Add(new StoredAlert(alert, reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return result;
    }
}
