using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CourseMatch.Migrations
{
    /// <summary>
    /// The model stops mapping courses.search_vector and courses.title_vector (ADR 0013): the columns and their GIN indexes
    /// stay exactly as InitialCatalog made them, owned by the database, read only by the catalog search's SQL. The scaffold
    /// proposed dropping them; nothing in the database changes.
    /// </summary>
    public partial class SearchColumnsUnmapped : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
