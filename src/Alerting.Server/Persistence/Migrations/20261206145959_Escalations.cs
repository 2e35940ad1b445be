using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Alerting.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Escalations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "escalations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    route_id = table.Column<string>(type: "text", nullable: false),
                    group_key = table.Column<string>(type: "text", nullable: false),
                    chain_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    step = table.Column<int>(type: "integer", nullable: false),
                    receiver = table.Column<string>(type: "text", nullable: false),
                    after = table.Column<TimeSpan>(type: "interval", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<string>(type: "text", nullable: false),
                    lease_owner = table.Column<string>(type: "text", nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    stopped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    stopped_reason = table.Column<string>(type: "text", nullable: true),
                    stopped_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_escalations", x => x.id);
                },
                comment: "Escalation steps of a group's chain: due, claimed with a lease, sent once, or stopped (docs/escalation.md).");

            migrationBuilder.CreateIndex(
                name: "ix_escalations_live_due_at",
                table: "escalations",
                column: "due_at",
                filter: "state <> 'stopped'");

            migrationBuilder.CreateIndex(
                name: "ux_escalations_step",
                table: "escalations",
                columns: new[] { "group_key", "route_id", "chain_started_at", "step" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "escalations");
        }
    }
}
