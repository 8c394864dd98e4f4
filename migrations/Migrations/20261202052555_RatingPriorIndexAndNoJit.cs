using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CourseMatch.Migrations
{
    /// <summary>
    /// For true catalog counts (ADR 0015):
    /// <list type="bullet">
    /// <item>An index in the "highest rated" order (the Bayesian average of <c>RatingPrior</c>), so a rating sort over more
    /// matches than the count budget reads its page in index order instead of sorting every match.</item>
    /// <item>JIT compilation off for this database: it costs a search 20–100 ms of compiling to save a few.</item>
    /// </list>
    /// </summary>
    public partial class RatingPriorIndexAndNoJit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_courses_rating_prior ON courses
                    (status, ((rating * rating_count + 225.0) / (rating_count + 50)) DESC NULLS LAST, rating_count DESC, id);

                DO $$ BEGIN
                    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
                EXCEPTION WHEN insufficient_privilege THEN
                    RAISE NOTICE 'jit left on: the migrating role does not own the database';
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_courses_rating_prior;
                DO $$ BEGIN
                    EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
                EXCEPTION WHEN insufficient_privilege THEN NULL;
                END $$;
                """);
        }
    }
}
