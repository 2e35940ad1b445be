using System.Buffers;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Npgsql;

namespace Alerting.Persistence;

/// <summary>Reads alerts back from PostgreSQL.</summary>
internal sealed class AlertReader(NpgsqlDataSource db)
{
    // The JSON columns as text: a text column's stream is its UTF-8 bytes in every Npgsql version (jsonb's carries a
    // version byte that drivers handle differently), and PostgreSQL turns jsonb into text for either.
    private const string Columns = "labels::text, annotations::text, starts_at, ends_at, generator_url, updated_at, timeout, source, extra";

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
        // The JSON and repeated text columns are read through one reused buffer, not a string each: reads of all the
        // active alerts (the API, the pages, the metrics) run every few seconds.
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var alert = new Alert(
                    ReadLabels(reader, 0, ref buffer),
                    ReadLabels(reader, 1, ref buffer),
                    reader.GetFieldValue<DateTimeOffset>(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    ReadText(reader, 4, ref buffer),
                    reader.GetFieldValue<DateTimeOffset>(5),
                    reader.GetBoolean(6));
                result.Add(new StoredAlert(alert, ReadText(reader, 7, ref buffer), reader.IsDBNull(8) ? null : reader.GetString(8)));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return result;
    }

    private static LabelSet ReadLabels(NpgsqlDataReader reader, int ordinal, ref byte[] buffer) =>
        LabelJson.Read(ReadBytes(reader, ordinal, ref buffer));

    // Generator URLs and sources repeat from alert to alert: one string each (SharedStrings).
    private static string ReadText(NpgsqlDataReader reader, int ordinal, ref byte[] buffer) =>
        SharedStrings.Get(ReadBytes(reader, ordinal, ref buffer));

    private static ReadOnlySpan<byte> ReadBytes(NpgsqlDataReader reader, int ordinal, ref byte[] buffer)
    {
        using var stream = reader.GetStream(ordinal);
        var length = (int)stream.Length;
        if (length > buffer.Length)
        {
            var smaller = buffer;
            buffer = ArrayPool<byte>.Shared.Rent(length);
            ArrayPool<byte>.Shared.Return(smaller);
        }
        stream.ReadExactly(buffer, 0, length);
        return buffer.AsSpan(0, length);
    }
}
