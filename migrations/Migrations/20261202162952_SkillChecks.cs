using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CourseMatch.Migrations
{
    /// <inheritdoc />
    public partial class SkillChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "measured",
                table: "learner_profiles",
                type: "jsonb",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.CreateTable(
                name: "check_items",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    key = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    skill_id = table.Column<int>(type: "integer", nullable: false),
                    level = table.Column<int>(type: "integer", nullable: false),
                    descriptor = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    prompt = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    choices = table.Column<string[]>(type: "text[]", nullable: false),
                    answer = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    tolerance = table.Column<decimal>(type: "numeric(12,6)", precision: 12, scale: 6, nullable: false),
                    explanation = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    retired = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_check_items", x => x.id);
                    table.CheckConstraint("ck_check_items_level", "level BETWEEN 1 AND 4");
                    table.ForeignKey(
                        name: "fk_check_items_skills_skill_id",
                        column: x => x.skill_id,
                        principalTable: "skills",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "skill_checks",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    skill_id = table.Column<int>(type: "integer", nullable: false),
                    self_rating = table.Column<int>(type: "integer", nullable: true),
                    current_item_id = table.Column<int>(type: "integer", nullable: true),
                    answers = table.Column<string>(type: "jsonb", nullable: false),
                    state = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    level = table.Column<int>(type: "integer", nullable: true),
                    confidence = table.Column<double>(type: "double precision", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_skill_checks", x => x.id);
                    table.ForeignKey(
                        name: "fk_skill_checks_skills_skill_id",
                        column: x => x.skill_id,
                        principalTable: "skills",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_check_items_key",
                table: "check_items",
                column: "key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_check_items_skill_id_level",
                table: "check_items",
                columns: new[] { "skill_id", "level" });

            migrationBuilder.CreateIndex(
                name: "ix_skill_checks_skill_id",
                table: "skill_checks",
                column: "skill_id");

            migrationBuilder.CreateIndex(
                name: "ix_skill_checks_token",
                table: "skill_checks",
                column: "token",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "check_items");

            migrationBuilder.DropTable(
                name: "skill_checks");

            migrationBuilder.DropColumn(
                name: "measured",
                table: "learner_profiles");
        }
    }
}
