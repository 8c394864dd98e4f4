using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CourseMatch.Migrations
{
    /// <inheritdoc />
    public partial class PlacePopularIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_courses_place_id",
                table: "courses");

            migrationBuilder.CreateIndex(
                name: "ix_courses_place_id_rating_count_id",
                table: "courses",
                columns: new[] { "place_id", "rating_count", "id" },
                descending: new[] { false, true, false },
                filter: "status = 'Published' AND place_id IS NOT NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "format", "price", "currency", "language", "pacing" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_courses_place_id_rating_count_id",
                table: "courses");

            migrationBuilder.CreateIndex(
                name: "ix_courses_place_id",
                table: "courses",
                column: "place_id");
        }
    }
}
