using System.Net;
using Alerting.Infrastructure;
using Npgsql;

namespace Alerting.Persistence;

public sealed class AlertWriterTests
{
    [Fact]
    public async Task Data_the_database_refuses_fails_only_its_own_request_not_the_batch_it_shared()
    {
        await using var host = await AlertingTestHost.StartAsync();
        // Stands in for data PostgreSQL cannot store that validation did not catch: a data exception for one alert.
        await using (var conn = new NpgsqlConnection(host.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.labels->>'alertname' = 'Poison' THEN RAISE EXCEPTION 'poisoned value' USING ERRCODE = '22023'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION refuse_poison();
                """, conn);
            await cmd.ExecuteNonQueryAsync();
        }

        // Requests at once (below the 16 one address may have in flight), so they share write batches with the bad one.
        var good = new List<Task<HttpResponseMessage>>();
        var bad = new List<Task<HttpResponseMessage>>();
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                good.Add(host.PostJsonAsync("api/v2/alerts", $$$"""[{"labels":{"alertname":"Good","n":"{{{round}}}-{{{i}}}"}}]"""));
                if (i == 5)
                {
                    bad.Add(host.PostJsonAsync("api/v2/alerts", $$$"""[{"labels":{"alertname":"Poison","n":"{{{round}}}"}}]"""));
                }
            }
            await Task.WhenAll(good.Concat(bad));
        }

        foreach (var response in await Task.WhenAll(good))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        foreach (var response in await Task.WhenAll(bad))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("the database refused these alerts, nothing was stored: poisoned value", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(100, await host.CountAsync("alerts"));
    }
}
