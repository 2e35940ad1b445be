using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerting.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class GroupsPerRoute : Migration
    {
        /// <summary>
        /// A group is its route and its key: sibling routes with identical matchers have the same key, and Alertmanager
        /// keeps a group per route. Until now the first matching route's group took the key (the others' inserts did
        /// nothing), so every stored member belongs to the group its key names: it takes that group's route.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "route_id",
                table: "group_members",
                type: "text",
                nullable: false,
                defaultValue: "");

            // A member without a group (none is expected) keeps '': no route has that id, so reconciliation at start drops it.
            migrationBuilder.Sql("UPDATE group_members m SET route_id = g.route_id FROM aggregation_groups g WHERE g.group_key = m.group_key");

            migrationBuilder.DropPrimaryKey(
                name: "PK_group_members",
                table: "group_members");

            migrationBuilder.AddPrimaryKey(
                name: "PK_group_members",
                table: "group_members",
                columns: new[] { "group_key", "route_id", "fingerprint" });

            migrationBuilder.DropPrimaryKey(
                name: "PK_aggregation_groups",
                table: "aggregation_groups");

            migrationBuilder.AddPrimaryKey(
                name: "PK_aggregation_groups",
                table: "aggregation_groups",
                columns: new[] { "group_key", "route_id" });
        }

        /// <summary>Back to one group per key: of groups sharing a key, the one with the least route id stays.</summary>
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DELETE FROM group_members m WHERE EXISTS (
                    SELECT 1 FROM aggregation_groups g WHERE g.group_key = m.group_key AND g.route_id < m.route_id)
                """);
            migrationBuilder.Sql("""
                DELETE FROM aggregation_groups g WHERE EXISTS (
                    SELECT 1 FROM aggregation_groups o WHERE o.group_key = g.group_key AND o.route_id < g.route_id)
                """);
            migrationBuilder.Sql("""
                DELETE FROM group_members m WHERE EXISTS (
                    SELECT 1 FROM group_members o WHERE o.group_key = m.group_key AND o.fingerprint = m.fingerprint AND o.route_id < m.route_id)
                """);

            migrationBuilder.DropPrimaryKey(
                name: "PK_group_members",
                table: "group_members");

            migrationBuilder.DropPrimaryKey(
                name: "PK_aggregation_groups",
                table: "aggregation_groups");

            migrationBuilder.DropColumn(
                name: "route_id",
                table: "group_members");

            migrationBuilder.AddPrimaryKey(
                name: "PK_group_members",
                table: "group_members",
                columns: new[] { "group_key", "fingerprint" });

            migrationBuilder.AddPrimaryKey(
                name: "PK_aggregation_groups",
                table: "aggregation_groups",
                column: "group_key");
        }
    }
}
