namespace Proxe.Database;

/// <summary>
/// Splits a migration into its statements so a failure can name the statement and line.
/// Knows PostgreSQL's quoting: '...', E'...', "...", $tag$...$tag$, -- and nested /* */ comments.
/// </summary>
public static class SqlScript
{
    public readonly record struct Statement(int Offset, string Text);

    public static IReadOnlyList<Statement> Split(string sql)
    {
        var statements = new List<Statement>();
        var start = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == ';')
            {
                Add(statements, sql, start, i);
                start = ++i;
            }
            else if (c == '-' && At(sql, i + 1, '-'))
            {
                i = sql.IndexOf('\n', i) is var end and >= 0 ? end + 1 : sql.Length;
            }
            else if (c == '/' && At(sql, i + 1, '*'))
            {
                i = SkipBlockComment(sql, i);
            }
            else if (c == '\'')
            {
                var escapes = i > 0 && sql[i - 1] is 'E' or 'e' && (i < 2 || !IsIdentifierChar(sql[i - 2]));
                i = SkipQuoted(sql, i, '\'', escapes);
            }
            else if (c == '"')
            {
                i = SkipQuoted(sql, i, '"', backslashEscapes: false);
            }
            else if (c == '$' && (i == 0 || !IsIdentifierChar(sql[i - 1])) && DollarTag(sql, i) is { } tag)
            {
                var end = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + tag.Length;
            }
            else
            {
                i++;
            }
        }

        Add(statements, sql, start, sql.Length);
        return statements;
    }

    private static void Add(List<Statement> statements, string sql, int start, int end)
    {
        // The statement starts at its first keyword, after the comments that introduce it.
        while (start < end)
        {
            if (char.IsWhiteSpace(sql[start]))
            {
                start++;
            }
            else if (sql[start] == '-' && At(sql, start + 1, '-'))
            {
                start = sql.IndexOf('\n', start) is var newline and >= 0 ? newline + 1 : end;
            }
            else if (sql[start] == '/' && At(sql, start + 1, '*'))
            {
                start = SkipBlockComment(sql, start);
            }
            else
            {
                statements.Add(new Statement(start, sql[start..end].TrimEnd()));
                return;
            }
        }
    }

    private static int SkipBlockComment(string sql, int i)
    {
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && At(sql, i + 1, '*'))
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && At(sql, i + 1, '/'))
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    private static int SkipQuoted(string sql, int i, char quote, bool backslashEscapes)
    {
        i++;
        while (i < sql.Length)
        {
            if (backslashEscapes && sql[i] == '\\')
            {
                i += 2;
            }
            else if (sql[i] == quote)
            {
                if (!At(sql, i + 1, quote))
                {
                    return i + 1;
                }

                i += 2;
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    private static string? DollarTag(string sql, int i)
    {
        var j = i + 1;
        while (j < sql.Length && sql[j] != '$' && IsIdentifierChar(sql[j]) && !(j == i + 1 && char.IsAsciiDigit(sql[j])))
        {
            j++;
        }

        return At(sql, j, '$') ? sql[i..(j + 1)] : null;
    }

    private static bool At(string sql, int i, char c) => i < sql.Length && sql[i] == c;

    private static bool IsIdentifierChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$';
}
