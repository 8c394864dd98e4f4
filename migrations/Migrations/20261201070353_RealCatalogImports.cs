using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CourseMatch.Migrations
{
    /// <inheritdoc />
    public partial class RealCatalogImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "columns",
                table: "import_mappings",
                newName: "document");
            // A saved mapping was {field: header}; it becomes a document whose fields name those columns.
            migrationBuilder.Sql("UPDATE import_mappings SET document = jsonb_build_object('fields', document);");

            migrationBuilder.AddColumn<int>(
                name: "duration_weeks_max",
                table: "courses",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "hours_per_week_max",
                table: "courses",
                type: "numeric(6,2)",
                precision: 6,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "paid_unlisted",
                table: "courses",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<decimal>(
                name: "total_hours_max",
                table: "courses",
                type: "numeric(8,2)",
                precision: 8,
                scale: 2,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "course_slug_redirects",
                columns: table => new
                {
                    old_slug = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    course_id = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_course_slug_redirects", x => x.old_slug);
                    table.ForeignKey(
                        name: "fk_course_slug_redirects_courses_course_id",
                        column: x => x.course_id,
                        principalTable: "courses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "course_sources",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    course_id = table.Column<int>(type: "integer", nullable: false),
                    feed = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    external_key = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    values = table.Column<string>(type: "jsonb", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_course_sources", x => x.id);
                    table.ForeignKey(
                        name: "fk_course_sources_courses_course_id",
                        column: x => x.course_id,
                        principalTable: "courses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "provider_aliases",
                columns: table => new
                {
                    alias = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    provider_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_provider_aliases", x => x.alias);
                    table.ForeignKey(
                        name: "fk_provider_aliases_providers_provider_id",
                        column: x => x.provider_id,
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_courses_ranges_ordered",
                table: "courses",
                sql: "(duration_weeks_max IS NULL OR duration_weeks_max > duration_weeks) AND (hours_per_week_max IS NULL OR hours_per_week_max > hours_per_week) AND (total_hours_max IS NULL OR total_hours_max > total_hours)");

            migrationBuilder.AddCheckConstraint(
                name: "ck_courses_unlisted_price_is_unknown",
                table: "courses",
                sql: "NOT paid_unlisted OR price IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_course_slug_redirects_course_id",
                table: "course_slug_redirects",
                column: "course_id");

            migrationBuilder.CreateIndex(
                name: "ix_course_sources_course_id",
                table: "course_sources",
                column: "course_id");

            migrationBuilder.CreateIndex(
                name: "ix_course_sources_feed_external_key",
                table: "course_sources",
                columns: new[] { "feed", "external_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_provider_aliases_provider_id",
                table: "provider_aliases",
                column: "provider_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "course_slug_redirects");

            migrationBuilder.DropTable(
                name: "course_sources");

            migrationBuilder.DropTable(
                name: "provider_aliases");

            migrationBuilder.DropCheckConstraint(
                name: "ck_courses_ranges_ordered",
                table: "courses");

            migrationBuilder.DropCheckConstraint(
                name: "ck_courses_unlisted_price_is_unknown",
                table: "courses");

            migrationBuilder.DropColumn(
                name: "duration_weeks_max",
                table: "courses");

            migrationBuilder.DropColumn(
                name: "hours_per_week_max",
                table: "courses");

            migrationBuilder.DropColumn(
                name: "paid_unlisted",
                table: "courses");

            migrationBuilder.DropColumn(
                name: "total_hours_max",
                table: "courses");

            migrationBuilder.RenameColumn(
                name: "document",
                table: "import_mappings",
                newName: "columns");
            migrationBuilder.Sql("""
                UPDATE import_mappings SET columns = coalesce((
                    SELECT jsonb_object_agg(f.key, coalesce(f.value->'column', f.value))
                    FROM jsonb_each(columns->'fields') f
                    WHERE jsonb_typeof(f.value) = 'string' OR f.value ? 'column'), '{}'::jsonb);
                """);
        }
    }
}
