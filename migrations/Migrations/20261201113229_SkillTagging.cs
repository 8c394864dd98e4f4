using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CourseMatch.Migrations
{
    /// <inheritdoc />
    public partial class SkillTagging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "skills_confidence",
                table: "courses",
                type: "numeric(4,3)",
                precision: 4,
                scale: 3,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "skills_status",
                table: "courses",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "Unknown");

            // Skills already in the catalog were set by people: the curated shelf, the editor, imported files.
            migrationBuilder.Sql("""
                UPDATE courses c SET skills_status = 'Confirmed'
                WHERE EXISTS (SELECT 1 FROM course_skills s WHERE s.course_id = c.id)
                   OR EXISTS (SELECT 1 FROM course_prerequisites p WHERE p.course_id = c.id);
                """);

            migrationBuilder.CreateTable(
                name: "course_embeddings",
                columns: table => new
                {
                    course_id = table.Column<int>(type: "integer", nullable: false),
                    encoder = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    text_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    vector = table.Column<float[]>(type: "real[]", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_course_embeddings", x => x.course_id);
                    table.ForeignKey(
                        name: "fk_course_embeddings_courses_course_id",
                        column: x => x.course_id,
                        principalTable: "courses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tagger_models",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    settings = table.Column<string>(type: "jsonb", nullable: false),
                    metrics = table.Column<string>(type: "jsonb", nullable: false),
                    parameters = table.Column<string>(type: "jsonb", nullable: false),
                    auto_apply_threshold = table.Column<double>(type: "double precision", nullable: false),
                    promoted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tagger_models", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "skill_proposals",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    course_id = table.Column<int>(type: "integer", nullable: false),
                    tagger_model_id = table.Column<int>(type: "integer", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    taught = table.Column<string>(type: "jsonb", nullable: false),
                    required = table.Column<string>(type: "jsonb", nullable: false),
                    outside_confidence = table.Column<double>(type: "double precision", nullable: false),
                    confidence = table.Column<double>(type: "double precision", nullable: false),
                    not_enough_text = table.Column<bool>(type: "boolean", nullable: false),
                    reach = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    decided_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    final_taught = table.Column<string>(type: "jsonb", nullable: true),
                    final_required = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_skill_proposals", x => x.id);
                    table.ForeignKey(
                        name: "fk_skill_proposals_courses_course_id",
                        column: x => x.course_id,
                        principalTable: "courses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_skill_proposals_tagger_models_tagger_model_id",
                        column: x => x.tagger_model_id,
                        principalTable: "tagger_models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_courses_skills_status",
                table: "courses",
                column: "skills_status");

            migrationBuilder.CreateIndex(
                name: "ix_skill_proposals_open_course",
                table: "skill_proposals",
                column: "course_id",
                unique: true,
                filter: "status IN ('Pending', 'Applied')");

            migrationBuilder.CreateIndex(
                name: "ix_skill_proposals_status_confidence",
                table: "skill_proposals",
                columns: new[] { "status", "confidence" });

            migrationBuilder.CreateIndex(
                name: "ix_skill_proposals_tagger_model_id",
                table: "skill_proposals",
                column: "tagger_model_id");

            migrationBuilder.CreateIndex(
                name: "ix_tagger_models_one_active",
                table: "tagger_models",
                column: "status",
                unique: true,
                filter: "status = 'Active'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "course_embeddings");

            migrationBuilder.DropTable(
                name: "skill_proposals");

            migrationBuilder.DropTable(
                name: "tagger_models");

            migrationBuilder.DropIndex(
                name: "ix_courses_skills_status",
                table: "courses");

            migrationBuilder.DropColumn(
                name: "skills_confidence",
                table: "courses");

            migrationBuilder.DropColumn(
                name: "skills_status",
                table: "courses");
        }
    }
}
