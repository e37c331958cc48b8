// Trino's own reading of statements, for the parser differential (test/sql/parser-differential.test.ts).
// Reads lines of base64 (UTF-8 statements) from stdin; writes one JSON line each:
//   {"ok":true,"tables":[["a","b"],...],"ctes":["x",...],"tokens":["SELECT","n_name",...]}
//   {"ok":false,"error":"...","tokens":[...]}
// tables: every Table node and every QualifiedName a statement names as its target (getTable,
// getTarget, getName, getTableName, getSource), lower-cased as Trino's QualifiedName.getParts().
// tokens: the texts of the lexer's default-channel tokens (comments and white space are hidden).
import io.trino.grammar.sql.SqlBaseLexer;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.Node;
import io.trino.sql.tree.QualifiedName;
import io.trino.sql.tree.Statement;
import io.trino.sql.tree.Table;
import io.trino.sql.tree.WithQuery;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

public final class TrinoParse {
    private static final Set<String> TARGETS = Set.of("getTable", "getTarget", "getName", "getTableName", "getSource");

    public static void main(String[] args) throws Exception {
        SqlParser parser = new SqlParser();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String sql = new String(Base64.getDecoder().decode(line.trim()), StandardCharsets.UTF_8);
            StringBuilder json = new StringBuilder();
            List<String> tables = new ArrayList<>();
            List<String> ctes = new ArrayList<>();
            try {
                Statement statement = parser.createStatement(sql);
                walk(statement, tables, ctes);
                json.append("{\"ok\":true,\"tables\":[").append(String.join(",", tables)).append("],\"ctes\":[").append(String.join(",", ctes)).append("]");
            } catch (Throwable e) {
                json.append("{\"ok\":false,\"error\":").append(quote(String.valueOf(e.getMessage())));
            }
            json.append(",\"tokens\":[");
            boolean first = true;
            for (Token t : new SqlBaseLexer(CharStreams.fromString(sql)).getAllTokens()) {
                if (t.getChannel() != Token.DEFAULT_CHANNEL) continue;
                if (!first) json.append(',');
                first = false;
                json.append(quote(t.getText()));
            }
            json.append("]}\n");
            out.write(json.toString());
            if (!in.ready()) out.flush();
        }
        out.flush();
    }

    private static void walk(Node node, List<String> tables, List<String> ctes) throws Exception {
        if (node instanceof Table table) tables.add(name(table.getName()));
        if (node instanceof WithQuery with) ctes.add(quote(with.getName().getValue().toLowerCase()));
        if (node instanceof Statement) {
            for (Method m : node.getClass().getMethods()) {
                if (m.getParameterCount() != 0 || !TARGETS.contains(m.getName())) continue;
                Object value = m.invoke(node);
                if (value instanceof java.util.Optional<?> o) value = o.orElse(null);
                if (value instanceof QualifiedName q) tables.add(name(q));
            }
        }
        for (Node child : node.getChildren()) walk(child, tables, ctes);
    }

    private static String name(QualifiedName q) {
        List<String> parts = new ArrayList<>();
        for (String p : q.getParts()) parts.add(quote(p));
        return "[" + String.join(",", parts) + "]";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
