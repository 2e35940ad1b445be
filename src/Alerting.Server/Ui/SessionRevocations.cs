using System.Collections.Concurrent;
using Npgsql;

namespace Alerting.Ui;

/// <summary>
/// Sessions ended by logging out, shared by every instance through the <c>settings</c> table (one row per session,
/// until the session would have expired anyway), so a copied cookie stops working at logout on all of them.
/// </summary>
internal sealed class SessionRevocations(NpgsqlDataSource db, TimeProvider time)
{
    private const string Prefix = "revoked_session:";

    // Sessions this instance saw revoked: no query for them.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _known = new(StringComparer.Ordinal);

    public async Task RevokeAsync(string sessionId, DateTimeOffset expires, CancellationToken ct)
    {
        _known[sessionId] = expires;
        var now = time.GetUtcNow();
        await using var batch = db.CreateBatch();
        var insert = new NpgsqlBatchCommand("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING");
        insert.Parameters.Add(new NpgsqlParameter { Value = Prefix + sessionId });
        insert.Parameters.Add(new NpgsqlParameter { Value = expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) });
        // Rows of sessions that have expired anyway are of no use any more.
        var prune = new NpgsqlBatchCommand("DELETE FROM settings WHERE key LIKE 'revoked\\_session:%' AND CASE WHEN key LIKE 'revoked\\_session:%' THEN value::bigint END < $1");
        prune.Parameters.Add(new NpgsqlParameter { Value = now.ToUnixTimeSeconds() });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(prune);
        await batch.ExecuteNonQueryAsync(ct);
        foreach (var (id, until) in _known)
        {
            if (until < now)
            {
                _known.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Whether any instance ended the session; read per request that carries a session cookie.</summary>
    public bool IsRevoked(string sessionId)
    {
        if (_known.ContainsKey(sessionId))
        {
            return true;
        }
        using var cmd = db.CreateCommand("SELECT 1 FROM settings WHERE key = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = Prefix + sessionId });
        return cmd.ExecuteScalar() is not null;
    }
}
