using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CourseMatch.Migrations
{
    /// <inheritdoc />
    public partial class CoveringPopularIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_courses_status_rating_count_id",
                table: "courses");

            migrationBuilder.CreateIndex(
                name: "ix_courses_status_rating_count_id",
                table: "courses",
                columns: new[] { "status", "rating_count", "id" },
                descending: new[] { false, true, false })
                .Annotation("Npgsql:IndexInclude", new[] { "provider_id", "format", "price", "effort_hours", "level", "language", "pacing" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_courses_status_rating_count_id",
                table: "courses");

            migrationBuilder.CreateIndex(
                name: "ix_courses_status_rating_count_id",
                table: "courses",
                columns: new[] { "status", "rating_count", "id" },
                descending: new[] { false, true, false });
        }
    }
}
