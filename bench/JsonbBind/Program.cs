using Npgsql;
using NpgsqlTypes;

// Binds DOCS JSON documents of ALERTS alerts each (a flush's outbox snapshots) ROUNDS times on one connection, as
// jsonb[] or as text[] that the statement casts, and prints the backend's anonymous memory after each round.
// Usage: JsonbBind <connection string> jsonb|text <docs> <alerts per doc> <rounds>
var (connectionString, mode, docs, alerts, rounds) = (args[0], args[1], int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]));
if (mode is not ("jsonb" or "text"))
{
    Console.Error.WriteLine("mode must be jsonb or text");
    return 2;
}
await using var conn = new NpgsqlConnection(connectionString);
await conn.OpenAsync();
var pid = conn.ProcessID;

// An alert as a snapshot carries it: twelve labels, no annotations.
string Document(int doc) => "{\"alerts\":[" + string.Join(",", Enumerable.Range(0, alerts).Select(a =>
    "{" + string.Join(",", Enumerable.Range(0, 12).Select(l => $"\"label_name_{l}\":\"value-{doc}-{a}-{l}-{new string((char)('a' + a % 26), 12)}\"")) + "}")) + "]}";
long AnonymousKb() => long.Parse(File.ReadLines($"/proc/{pid}/smaps_rollup").First(l => l.StartsWith("Anonymous:", StringComparison.Ordinal))
    .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

var sql = mode == "jsonb"
    ? "SELECT count(*) FROM unnest($1::jsonb[]) t(d) WHERE jsonb_array_length(d->'alerts') > 0"
    : "SELECT count(*) FROM unnest($1::text[]) t(d) WHERE jsonb_array_length(d::jsonb->'alerts') > 0";
var before = AnonymousKb();
var megabytes = 0.0;
for (var round = 0; round < rounds; round++)
{
    var documents = Enumerable.Range(round * docs, docs).Select(Document).ToArray();
    megabytes = documents.Sum(d => (long)d.Length) / 1048576.0;
    await using var cmd = new NpgsqlCommand(sql, conn);
    cmd.Parameters.Add(new NpgsqlParameter { Value = documents, NpgsqlDbType = NpgsqlDbType.Array | (mode == "jsonb" ? NpgsqlDbType.Jsonb : NpgsqlDbType.Text) });
    var counted = (long)(await cmd.ExecuteScalarAsync())!;
    if (counted != docs)
    {
        Console.Error.WriteLine($"counted {counted} documents of {docs}");
        return 1;
    }
}
Console.WriteLine($"{mode}\t{docs} x {alerts} alerts ({megabytes:F1} MB of JSON)\t{before} kB\t{AnonymousKb()} kB");
return 0;
