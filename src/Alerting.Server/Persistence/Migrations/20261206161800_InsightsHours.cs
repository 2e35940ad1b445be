using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerting.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InsightsHours : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hourly rollups beside the daily ones (Insights/InsightsRollups.cs), so that a period's edges read at most an
            // hour of history each. Tables of their own: the previous release reads the daily tables by day only and would
            // count hourly rows twice. New tables: nothing existing is touched.
            migrationBuilder.Sql("""
                CREATE TABLE insights_hours (hour timestamptz PRIMARY KEY, rolled_at timestamptz NOT NULL);
                COMMENT ON TABLE insights_hours IS 'UTC hours whose insights rollups are made (Insights/InsightsRollups).';
                CREATE TABLE insights_sends_hourly (hour timestamptz NOT NULL, LIKE insights_sends);
                CREATE INDEX ix_insights_sends_hourly_hour ON insights_sends_hourly (hour);
                CREATE TABLE insights_groups_hourly (hour timestamptz NOT NULL, LIKE insights_groups);
                CREATE INDEX ix_insights_groups_hourly_hour ON insights_groups_hourly (hour);
                CREATE TABLE insights_channels_hourly (hour timestamptz NOT NULL, LIKE insights_channels);
                CREATE INDEX ix_insights_channels_hourly_hour ON insights_channels_hourly (hour);
                CREATE TABLE insights_resolutions_hourly (hour timestamptz NOT NULL, LIKE insights_resolutions);
                CREATE INDEX ix_insights_resolutions_hourly_hour ON insights_resolutions_hourly (hour);
                CREATE TABLE insights_acks_hourly (hour timestamptz NOT NULL, LIKE insights_acks);
                CREATE INDEX ix_insights_acks_hourly_hour ON insights_acks_hourly (hour);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE insights_hours, insights_sends_hourly, insights_groups_hourly, insights_channels_hourly, insights_resolutions_hourly, insights_acks_hourly");
        }
    }
}
