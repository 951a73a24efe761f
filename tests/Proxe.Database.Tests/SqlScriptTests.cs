namespace Proxe.Database.Tests;

public class SqlScriptTests
{
    [Fact]
    public void Splits_on_semicolons_outside_quotes_comments_and_dollar_bodies()
    {
        const string sql = """
            -- a comment; not a statement
            CREATE TABLE t (v text DEFAULT 'a;b', "odd;name" int);
            /* block; /* nested; */ still comment; */
            CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT 'x;y' $$;
            DO $body$ BEGIN PERFORM 1; PERFORM 2; END $body$;
            SELECT E'it\'s; fine', 'it''s; fine', $1$;
            SELECT 1
            """;

        var statements = SqlScript.Split(sql).Select(s => s.Text).ToList();

        Assert.Equal(
            [
                "CREATE TABLE t (v text DEFAULT 'a;b', \"odd;name\" int)",
                "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT 'x;y' $$",
                "DO $body$ BEGIN PERFORM 1; PERFORM 2; END $body$",
                "SELECT E'it\\'s; fine', 'it''s; fine', $1$",
                "SELECT 1",
            ],
            statements);
    }

    [Fact]
    public void Offsets_point_at_each_statement_in_the_file()
    {
        const string sql = "SELECT 1;\n\n  -- only a comment;\n  SELECT 2;\n";

        var statements = SqlScript.Split(sql);

        Assert.Equal([0, sql.IndexOf("SELECT 2", StringComparison.Ordinal)], statements.Select(s => s.Offset));
        Assert.All(statements, s => Assert.StartsWith(s.Text, sql[s.Offset..]));
    }

    [Fact]
    public void The_real_schema_splits_into_statements_that_each_end_where_postgres_would()
    {
        var sql = Migration.Embedded()[0].Sql;

        var statements = SqlScript.Split(sql);

        // The file starts each top-level statement at column 0 and indents everything inside one.
        var starts = System.Text.RegularExpressions.Regex.Matches(sql, "^(CREATE|DO|GRANT|REVOKE|ALTER) ", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Index);
        Assert.Equal(starts, statements.Select(s => s.Offset));
        Assert.All(statements.Where(s => s.Text.StartsWith("DO ", StringComparison.Ordinal)), s => Assert.EndsWith("\nEND\n$$", s.Text));
    }
}
