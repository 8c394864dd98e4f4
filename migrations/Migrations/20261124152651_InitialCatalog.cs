using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;

#nullable disable

namespace CourseMatch.Migrations
{
    /// <inheritdoc />
    public partial class InitialCatalog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateTable(
                name: "providers",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    slug = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    website = table.Column<string>(type: "text", nullable: true),
                    country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_providers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "search_terms",
                columns: table => new
                {
                    word = table.Column<string>(type: "text", nullable: false),
                    documents = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_search_terms", x => x.word);
                });

            migrationBuilder.CreateTable(
                name: "skills",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    slug = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    level_descriptors = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_skills", x => x.id);
                    table.CheckConstraint("ck_skills_five_levels", "cardinality(level_descriptors) = 5");
                });

            migrationBuilder.CreateTable(
                name: "courses",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    slug = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    provider_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    summary = table.Column<string>(type: "text", nullable: true),
                    description = table.Column<string>(type: "text", nullable: true),
                    url = table.Column<string>(type: "text", nullable: true),
                    format = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    pacing = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    city = table.Column<string>(type: "text", nullable: true),
                    region = table.Column<string>(type: "text", nullable: true),
                    country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    duration_weeks = table.Column<int>(type: "integer", nullable: true),
                    hours_per_week = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: true),
                    total_hours = table.Column<decimal>(type: "numeric(8,2)", precision: 8, scale: 2, nullable: true),
                    price = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    free_to_audit = table.Column<bool>(type: "boolean", nullable: false),
                    level = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    certificate = table.Column<bool>(type: "boolean", nullable: false),
                    rating = table.Column<decimal>(type: "numeric(3,2)", precision: 3, scale: 2, nullable: true),
                    rating_count = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    source = table.Column<string>(type: "text", nullable: true),
                    as_of = table.Column<DateOnly>(type: "date", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    search_keywords = table.Column<string>(type: "text", nullable: false),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: false, computedColumnSql: "setweight(to_tsvector('english', coalesce(title, '')), 'A') ||\nsetweight(to_tsvector('english', coalesce(search_keywords, '')), 'B') ||\nsetweight(to_tsvector('english', coalesce(summary, '') || ' ' || coalesce(description, '')), 'C')", stored: true),
                    title_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: false, computedColumnSql: "to_tsvector('english', coalesce(title, ''))", stored: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    effort_hours = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: true, computedColumnSql: "coalesce(total_hours, duration_weeks * hours_per_week)", stored: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_courses", x => x.id);
                    table.CheckConstraint("ck_courses_currency_iso", "currency IS NULL OR currency ~ '^[A-Z]{3}$'");
                    table.CheckConstraint("ck_courses_duration_positive", "(duration_weeks IS NULL OR duration_weeks > 0) AND (total_hours IS NULL OR total_hours > 0) AND (hours_per_week IS NULL OR hours_per_week > 0)");
                    table.CheckConstraint("ck_courses_in_person_located", "format = 'Online' OR (city IS NOT NULL AND country IS NOT NULL)");
                    table.CheckConstraint("ck_courses_price_has_currency", "price IS NULL OR currency IS NOT NULL");
                    table.CheckConstraint("ck_courses_price_not_negative", "price IS NULL OR price >= 0");
                    table.CheckConstraint("ck_courses_rating_range", "rating IS NULL OR (rating >= 0 AND rating <= 5)");
                    table.ForeignKey(
                        name: "fk_courses_providers_provider_id",
                        column: x => x.provider_id,
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "course_prerequisite_courses",
                columns: table => new
                {
                    course_id = table.Column<int>(type: "integer", nullable: false),
                    required_course_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_course_prerequisite_courses", x => new { x.course_id, x.required_course_id });
                    table.CheckConstraint("ck_course_prerequisite_courses_not_self", "course_id <> required_course_id");
                    table.ForeignKey(
                        name: "fk_course_prerequisite_courses_courses_course_id",
                        column: x => x.course_id,
                        principalTable: "courses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_course_prerequisite_courses_courses_required_course_id",
                        column: x => x.required_course_id,
                        principalTable: "courses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "course_prerequisites",
                columns: table => new
                {
                    course_id = table.Column<int>(type: "integer", nullable: false),
                    skill_id = table.Column<int>(type: "integer", nullable: false),
                    min_level = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_course_prerequisites", x => new { x.course_id, x.skill_id });
                    table.CheckConstraint("ck_course_prerequisites_level", "min_level BETWEEN 1 AND 4");
                    table.ForeignKey(
                        name: "fk_course_prerequisites_courses_course_id",
                        column: x => x.course_id,
                        principalTable: "courses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_course_prerequisites_skills_skill_id",
                        column: x => x.skill_id,
                        principalTable: "skills",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "course_sessions",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    course_id = table.Column<int>(type: "integer", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_course_sessions", x => x.id);
                    table.CheckConstraint("ck_course_sessions_order", "end_date IS NULL OR end_date >= start_date");
                    table.ForeignKey(
                        name: "fk_course_sessions_courses_course_id",
                        column: x => x.course_id,
                        principalTable: "courses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "course_skills",
                columns: table => new
                {
                    course_id = table.Column<int>(type: "integer", nullable: false),
                    skill_id = table.Column<int>(type: "integer", nullable: false),
                    level = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_course_skills", x => new { x.course_id, x.skill_id });
                    table.CheckConstraint("ck_course_skills_level", "level BETWEEN 1 AND 4");
                    table.ForeignKey(
                        name: "fk_course_skills_courses_course_id",
                        column: x => x.course_id,
                        principalTable: "courses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_course_skills_skills_skill_id",
                        column: x => x.skill_id,
                        principalTable: "skills",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_course_prerequisite_courses_required_course_id",
                table: "course_prerequisite_courses",
                column: "required_course_id");

            migrationBuilder.CreateIndex(
                name: "ix_course_prerequisites_skill_id",
                table: "course_prerequisites",
                column: "skill_id");

            migrationBuilder.CreateIndex(
                name: "ix_course_sessions_course_id",
                table: "course_sessions",
                column: "course_id");

            migrationBuilder.CreateIndex(
                name: "ix_course_skills_skill_id_course_id",
                table: "course_skills",
                columns: new[] { "skill_id", "course_id" });

            migrationBuilder.CreateIndex(
                name: "ix_courses_provider_id",
                table: "courses",
                column: "provider_id");

            migrationBuilder.CreateIndex(
                name: "ix_courses_search_vector",
                table: "courses",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");

            migrationBuilder.CreateIndex(
                name: "ix_courses_slug",
                table: "courses",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_courses_status_created_at_id",
                table: "courses",
                columns: new[] { "status", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_courses_status_effort_hours_id",
                table: "courses",
                columns: new[] { "status", "effort_hours", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_courses_status_price_id",
                table: "courses",
                columns: new[] { "status", "price", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_courses_status_price_id1",
                table: "courses",
                columns: new[] { "status", "price", "id" },
                descending: new[] { false, true, false })
                .Annotation("Npgsql:IndexNullSortOrder", new[] { NullSortOrder.Unspecified, NullSortOrder.NullsLast, NullSortOrder.Unspecified });

            migrationBuilder.CreateIndex(
                name: "ix_courses_status_rating_count_id",
                table: "courses",
                columns: new[] { "status", "rating_count", "id" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_courses_status_rating_rating_count_id",
                table: "courses",
                columns: new[] { "status", "rating", "rating_count", "id" },
                descending: new[] { false, true, true, false })
                .Annotation("Npgsql:IndexNullSortOrder", new[] { NullSortOrder.Unspecified, NullSortOrder.NullsLast, NullSortOrder.Unspecified, NullSortOrder.Unspecified });

            migrationBuilder.CreateIndex(
                name: "ix_courses_title_trgm",
                table: "courses",
                column: "title")
                .Annotation("Npgsql:IndexMethod", "GIN")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_courses_title_vector",
                table: "courses",
                column: "title_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");

            migrationBuilder.CreateIndex(
                name: "ix_providers_slug",
                table: "providers",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_search_terms_word_trgm",
                table: "search_terms",
                column: "word")
                .Annotation("Npgsql:IndexMethod", "GIN")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_skills_slug",
                table: "skills",
                column: "slug",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "course_prerequisite_courses");

            migrationBuilder.DropTable(
                name: "course_prerequisites");

            migrationBuilder.DropTable(
                name: "course_sessions");

            migrationBuilder.DropTable(
                name: "course_skills");

            migrationBuilder.DropTable(
                name: "search_terms");

            migrationBuilder.DropTable(
                name: "courses");

            migrationBuilder.DropTable(
                name: "skills");

            migrationBuilder.DropTable(
                name: "providers");
        }
    }
}
