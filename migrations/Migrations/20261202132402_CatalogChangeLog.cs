using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CourseMatch.Migrations
{
    /// <summary>
    /// The catalog's change log, read by the in-memory catalog index of every instance (ADR 0018). Triggers write the id of
    /// every course inserted, updated or deleted, or whose skills changed; a change to providers or skills writes a row
    /// without a course (names to read again); a TRUNCATE writes −1 (everything). Each row carries its transaction id, so
    /// a reader asks for exactly the rows committed since its last snapshot (pg_visible_in_snapshot). Statement-level
    /// triggers with transition tables: an import of a million rows writes the log in one INSERT per statement. Rows
    /// older than a day are removed by the same triggers; an index idle that long loads again.
    /// </summary>
    public partial class CatalogChangeLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE catalog_changes (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    course_id integer,
                    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
                    changed_at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX ix_catalog_changes_xid ON catalog_changes (xid);
                CREATE INDEX ix_catalog_changes_changed_at ON catalog_changes (changed_at);

                CREATE FUNCTION catalog_changes_prune() RETURNS void LANGUAGE sql AS
                $$ DELETE FROM catalog_changes WHERE changed_at < now() - interval '1 day' $$;

                CREATE FUNCTION catalog_courses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO catalog_changes (course_id) SELECT DISTINCT id FROM changed_rows;
                    PERFORM catalog_changes_prune();
                    RETURN NULL;
                END $$;

                CREATE FUNCTION catalog_course_skills_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO catalog_changes (course_id) SELECT DISTINCT course_id FROM changed_rows;
                    PERFORM catalog_changes_prune();
                    RETURN NULL;
                END $$;

                CREATE FUNCTION catalog_names_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO catalog_changes (course_id) VALUES (NULL);
                    RETURN NULL;
                END $$;

                CREATE FUNCTION catalog_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO catalog_changes (course_id) VALUES (-1);
                    RETURN NULL;
                END $$;

                CREATE TRIGGER catalog_courses_inserted AFTER INSERT ON courses
                    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_courses_changed();
                CREATE TRIGGER catalog_courses_updated AFTER UPDATE ON courses
                    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_courses_changed();
                CREATE TRIGGER catalog_courses_deleted AFTER DELETE ON courses
                    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_courses_changed();
                CREATE TRIGGER catalog_course_skills_inserted AFTER INSERT ON course_skills
                    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_course_skills_changed();
                CREATE TRIGGER catalog_course_skills_updated AFTER UPDATE ON course_skills
                    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_course_skills_changed();
                CREATE TRIGGER catalog_course_skills_deleted AFTER DELETE ON course_skills
                    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_course_skills_changed();
                CREATE TRIGGER catalog_providers_changed AFTER INSERT OR UPDATE OR DELETE ON providers
                    FOR EACH STATEMENT EXECUTE FUNCTION catalog_names_changed();
                CREATE TRIGGER catalog_skills_changed AFTER INSERT OR UPDATE OR DELETE ON skills
                    FOR EACH STATEMENT EXECUTE FUNCTION catalog_names_changed();
                CREATE TRIGGER catalog_courses_truncated AFTER TRUNCATE ON courses
                    FOR EACH STATEMENT EXECUTE FUNCTION catalog_truncated();
                CREATE TRIGGER catalog_course_skills_truncated AFTER TRUNCATE ON course_skills
                    FOR EACH STATEMENT EXECUTE FUNCTION catalog_truncated();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER catalog_courses_inserted ON courses;
                DROP TRIGGER catalog_courses_updated ON courses;
                DROP TRIGGER catalog_courses_deleted ON courses;
                DROP TRIGGER catalog_courses_truncated ON courses;
                DROP TRIGGER catalog_course_skills_inserted ON course_skills;
                DROP TRIGGER catalog_course_skills_updated ON course_skills;
                DROP TRIGGER catalog_course_skills_deleted ON course_skills;
                DROP TRIGGER catalog_course_skills_truncated ON course_skills;
                DROP TRIGGER catalog_providers_changed ON providers;
                DROP TRIGGER catalog_skills_changed ON skills;
                DROP FUNCTION catalog_courses_changed();
                DROP FUNCTION catalog_course_skills_changed();
                DROP FUNCTION catalog_names_changed();
                DROP FUNCTION catalog_truncated();
                DROP FUNCTION catalog_changes_prune();
                DROP TABLE catalog_changes;
                """);
        }
    }
}
