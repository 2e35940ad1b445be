// bench/insights.sh's helper:
//   Alerting.InsightsBench migrate <connection string>      applies the schema (as the server does at start)
//   Alerting.InsightsBench time <connection string> <runs>  times each insights section for each period, prints a table
using System.Diagnostics;
using System.Globalization;
using Alerting.Insights;
using Alerting.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Alerting.InsightsBench migrate|time <connection string> [runs]");
    return 2;
}
await using var db = NpgsqlDataSource.Create(args[1]);
if (args[0] == "migrate")
{
    var services = new ServiceCollection();
    services.AddSingleton(db);
    services.AddPooledDbContextFactory<AlertingDbContext>(o => o.UseNpgsql(db));
    await using var provider = services.BuildServiceProvider();
    await SchemaMigrator.MigrateAsync(provider, NullLogger.Instance, CancellationToken.None);
    return 0;
}

var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
var queries = new InsightsQueries(db, new InsightsRollups(db, TimeProvider.System), TimeProvider.System);
// The first report of each period rolls up the whole days it covers that are not yet (once; then one day a day).
var windows = new Dictionary<InsightsPeriod, InsightsWindow>();
foreach (var period in InsightsPeriod.All)
{
    var started = Stopwatch.GetTimestamp();
    windows[period] = await queries.PrepareAsync(period, CancellationToken.None);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Rollups for {period.Name} (hours {windows[period].HourFrom:yyyy-MM-dd HH}h to {windows[period].HourTo:yyyy-MM-dd HH}h, whole days {windows[period].WholeFrom:yyyy-MM-dd} to {windows[period].WholeTo:yyyy-MM-dd}, made if missing): {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms"));
}
Console.WriteLine();
Console.WriteLine("| Insight | " + string.Join(" | ", InsightsPeriod.All.Select(p => p.Name)) + " |");
Console.WriteLine("| --- |" + string.Concat(InsightsPeriod.All.Select(_ => " ---: |")));
var worst = 0.0;
foreach (var (name, run) in queries.Sections)
{
    var cells = new List<string>();
    foreach (var period in InsightsPeriod.All)
    {
        var window = windows[period];
        await run(window, CancellationToken.None); // warm: the plan and the period's pages
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await run(window, CancellationToken.None);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        times.Sort();
        worst = Math.Max(worst, times[^1]);
        cells.Add(string.Create(CultureInfo.InvariantCulture, $"{times[^1]:0} ms (median {times[times.Count / 2]:0})"));
    }
    Console.WriteLine($"| {name} | {string.Join(" | ", cells)} |");
}
var whole = Stopwatch.GetTimestamp();
await queries.ReadAsync(InsightsPeriod.Month, CancellationToken.None);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nWhole 30d report (all sections, one after the other): {Stopwatch.GetElapsedTime(whole).TotalMilliseconds:0} ms; slowest single run above: {worst:0} ms"));
return worst < 500 ? 0 : 1;
