using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence;

/// <summary>Alert lifecycle events collected during one transaction and written with one statement.</summary>
internal sealed class EventBatch
{
    private readonly List<long> _fingerprints = [];
    private readonly List<DateTime> _at = [];
    private readonly List<string> _events = [];
    private readonly List<string?> _groups = [];
    private readonly List<string?> _details = [];

    public int Count => _fingerprints.Count;

    public void Add(long fingerprint, DateTimeOffset at, string @event, string? groupKey, string? detail)
    {
        _fingerprints.Add(fingerprint);
        _at.Add(at.UtcDateTime);
        _events.Add(@event);
        _groups.Add(groupKey);
        _details.Add(detail);
    }

    /// <summary>Adds the five arrays (fingerprint, at, event, group, detail) to a statement that inserts them itself.</summary>
    public void AddParameters(NpgsqlCommand cmd)
    {
        cmd.Parameters.Add(new NpgsqlParameter { Value = _fingerprints.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _at.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _events.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _groups.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _details.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
    }

    public async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        if (Count == 0)
        {
            return;
        }
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
            SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[])
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = _fingerprints.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _at.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _events.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _groups.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _details.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
