using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Alerting.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the service.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AlertingDbContext>
{
    public AlertingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AlertingDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=alerting_design")
            .Options);
}
