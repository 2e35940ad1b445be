using Alerting.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Alerting.Browser;

/// <summary>
/// The test process, the PostgreSQL it started and the Chromium it drives read one clock. In CI, .ci/moments runs
/// this class under libfaketime at four moments of the calendar: if the faked time did not reach PostgreSQL or
/// Chromium, they would disagree by days, and the moments would not prove what they claim.
/// </summary>
public sealed class ClockAgreementTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(30);

    [RequiresToolFact("chromium")]
    public async Task The_test_process_PostgreSQL_and_Chromium_read_the_same_clock()
    {
        await using var conn = new NpgsqlConnection(await TestDatabase.CreateAsync());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT now()", conn);
        var database = (DateTime)(await cmd.ExecuteScalarAsync())!;
        await using var chromium = await Chromium.LaunchAsync();
        var browser = DateTimeOffset.FromUnixTimeMilliseconds((long)await chromium.Page.EvaluateAsync<double>("() => Date.now()"));
        var here = DateTimeOffset.UtcNow;

        output.WriteLine($"clock: test process {here:O}, PostgreSQL {database:O}, Chromium {browser:O}");
        Assert.InRange(here - new DateTimeOffset(database, TimeSpan.Zero), -Tolerance, Tolerance);
        Assert.InRange(here - browser, -Tolerance, Tolerance);
    }
}
