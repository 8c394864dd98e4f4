using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CourseMatch.Migrations
{
    /// <inheritdoc />
    public partial class AdvisorWorkspace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "adjusted_at",
                table: "recommendations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "revision",
                table: "recommendations",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "excluded",
                table: "recommendation_items",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "excluded_reason",
                table: "recommendation_items",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "note",
                table: "recommendation_items",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "pinned",
                table: "recommendation_items",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "position",
                table: "recommendation_items",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Plans made before advisors could adjust them stand where the ranker put them.
            migrationBuilder.Sql("UPDATE recommendation_items SET position = rank;");

            migrationBuilder.AddColumn<int>(
                name: "learner_id",
                table: "learner_profiles",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "detail",
                table: "feedback",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "position",
                table: "feedback",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "advised_learners",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    owner_id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    notes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    archived = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_advised_learners", x => x.id);
                    table.ForeignKey(
                        name: "fk_advised_learners_asp_net_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_learner_profiles_learner_id",
                table: "learner_profiles",
                column: "learner_id");

            migrationBuilder.CreateIndex(
                name: "ix_advised_learners_owner_id_archived_name",
                table: "advised_learners",
                columns: new[] { "owner_id", "archived", "name" });

            migrationBuilder.AddForeignKey(
                name: "fk_learner_profiles_advised_learners_learner_id",
                table: "learner_profiles",
                column: "learner_id",
                principalTable: "advised_learners",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_learner_profiles_advised_learners_learner_id",
                table: "learner_profiles");

            migrationBuilder.DropTable(
                name: "advised_learners");

            migrationBuilder.DropIndex(
                name: "ix_learner_profiles_learner_id",
                table: "learner_profiles");

            migrationBuilder.DropColumn(
                name: "adjusted_at",
                table: "recommendations");

            migrationBuilder.DropColumn(
                name: "revision",
                table: "recommendations");

            migrationBuilder.DropColumn(
                name: "excluded",
                table: "recommendation_items");

            migrationBuilder.DropColumn(
                name: "excluded_reason",
                table: "recommendation_items");

            migrationBuilder.DropColumn(
                name: "note",
                table: "recommendation_items");

            migrationBuilder.DropColumn(
                name: "pinned",
                table: "recommendation_items");

            migrationBuilder.DropColumn(
                name: "position",
                table: "recommendation_items");

            migrationBuilder.DropColumn(
                name: "learner_id",
                table: "learner_profiles");

            migrationBuilder.DropColumn(
                name: "detail",
                table: "feedback");

            migrationBuilder.DropColumn(
                name: "position",
                table: "feedback");
        }
    }
}
