import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Runs one SQL statement through a real JDBC driver (the Trino JDBC driver in
 * querygate's tests) and prints the outcome as one JSON document on stdout.
 *
 * <pre>
 * java -cp DIR:trino-jdbc.jar JdbcQuery [options] URL SQL [USER]
 * java -cp DIR:trino-jdbc.jar JdbcQuery [options] --prepared URL SQL [PARAM...]
 *
 * options:
 *   --user NAME          connection property "user" (also: third positional arg
 *                        in plain mode, or user=... in the URL)
 *   --property KEY=VALUE extra connection property (repeatable)
 *   --prepared           use a PreparedStatement; each PARAM is "i:123"
 *                        (setLong) or "s:text" (setString); an unprefixed
 *                        PARAM is bound with setString
 * </pre>
 *
 * Success: {"columns":[{"name":..,"type":..}],"rows":[[..]]} for a result set
 * (values from getString, SQL NULL as null), or {"columns":[],"rows":[],
 * "updateCount":N} for a statement without one. Exit code 0.
 * SQLException: {"error":{"message":..,"errorCode":..,"sqlState":..}}, exit 2.
 * Bad usage: message on stderr, exit 64.
 */
public final class JdbcQuery {
    private JdbcQuery() {}

    public static void main(String[] args) {
        boolean prepared = false;
        Properties props = new Properties();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!positional.isEmpty()) {
                positional.add(a); // everything after URL is positional
            } else if (a.equals("--prepared")) {
                prepared = true;
            } else if (a.equals("--user") && i + 1 < args.length) {
                props.setProperty("user", args[++i]);
            } else if (a.equals("--property") && i + 1 < args.length) {
                String kv = args[++i];
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    usage("--property needs KEY=VALUE, got: " + kv);
                }
                props.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
            } else if (a.equals("-h") || a.equals("--help")) {
                usage(null);
            } else if (a.startsWith("--")) {
                usage("unknown option: " + a);
            } else {
                positional.add(a);
            }
        }
        if (positional.size() < 2) {
            usage("missing URL or SQL");
        }
        String url = positional.get(0);
        String sql = positional.get(1);
        List<String> rest = positional.subList(2, positional.size());
        if (!prepared) {
            if (rest.size() > 1) {
                usage("too many arguments (parameters need --prepared)");
            }
            if (rest.size() == 1) {
                props.setProperty("user", rest.get(0));
            }
        }

        StringBuilder out = new StringBuilder(4096);
        try (Connection conn = DriverManager.getConnection(url, props)) {
            if (prepared) {
                try (PreparedStatement ps = conn.prepareStatement(sql)) {
                    for (int p = 0; p < rest.size(); p++) {
                        bind(ps, p + 1, rest.get(p));
                    }
                    boolean hasResultSet = ps.execute();
                    render(ps, hasResultSet, out);
                }
            } else {
                try (Statement st = conn.createStatement()) {
                    boolean hasResultSet = st.execute(sql);
                    render(st, hasResultSet, out);
                }
            }
        } catch (SQLException e) {
            exitWithError(e);
        }
        System.out.println(out);
        System.out.flush();
        exitWhenDriverIdle();
    }

    /**
     * Exits once the driver's HTTP threads have nothing left to send. The driver acknowledges
     * spooled segments asynchronously on OkHttp's dispatcher, whose idle non-daemon threads would
     * keep the JVM alive for their 60 s keep-alive after main returns; exiting while an
     * acknowledgement is still in flight would instead lose it. An idle pool thread waits for work
     * in ThreadPoolExecutor.getTask.
     */
    static void exitWhenDriverIdle() {
        for (int i = 0; i < 600; i++) {
            boolean busy = false;
            for (java.util.Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                String name = e.getKey().getName();
                if (!name.startsWith("OkHttp Dispatcher") && !name.startsWith("Trino JDBC worker")) {
                    continue;
                }
                boolean idle = false;
                for (StackTraceElement frame : e.getValue()) {
                    if (frame.getMethodName().equals("getTask") && frame.getClassName().equals("java.util.concurrent.ThreadPoolExecutor")) {
                        idle = true;
                        break;
                    }
                }
                busy |= !idle;
            }
            if (!busy) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        System.exit(0);
    }

    /** Prints the driver's error as one JSON line (message, code, SQL state) and exits with 2. */
    static void exitWithError(SQLException e) {
        StringBuilder err = new StringBuilder();
        err.append("{\"error\":{\"message\":");
        quote(err, e.getMessage());
        err.append(",\"errorCode\":").append(e.getErrorCode());
        err.append(",\"sqlState\":");
        quote(err, e.getSQLState());
        err.append("}}");
        System.out.println(err);
        System.out.flush();
        System.exit(2);
    }

    private static void bind(PreparedStatement ps, int index, String param) throws SQLException {
        if (param.startsWith("i:")) {
            long value;
            try {
                value = Long.parseLong(param.substring(2));
            } catch (NumberFormatException e) {
                usage("parameter " + index + " is not a long: " + param);
                return;
            }
            ps.setLong(index, value);
        } else if (param.startsWith("s:")) {
            ps.setString(index, param.substring(2));
        } else {
            ps.setString(index, param);
        }
    }

    private static void render(Statement st, boolean hasResultSet, StringBuilder out) throws SQLException {
        if (!hasResultSet) {
            out.append("{\"columns\":[],\"rows\":[],\"updateCount\":").append(st.getLargeUpdateCount()).append('}');
            return;
        }
        try (ResultSet rs = st.getResultSet()) {
            renderResultSet(rs, out);
        }
    }

    /** Appends a result set as {"columns":[{"name","type"}],"rows":[[...]]} (values from getString). */
    static void renderResultSet(ResultSet rs, StringBuilder out) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        out.append("{\"columns\":[");
        for (int c = 1; c <= n; c++) {
            if (c > 1) {
                out.append(',');
            }
            out.append("{\"name\":");
            quote(out, md.getColumnLabel(c));
            out.append(",\"type\":");
            quote(out, md.getColumnTypeName(c));
            out.append('}');
        }
        out.append("],\"rows\":[");
        boolean first = true;
        while (rs.next()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('[');
            for (int c = 1; c <= n; c++) {
                if (c > 1) {
                    out.append(',');
                }
                quote(out, rs.getString(c));
            }
            out.append(']');
        }
        out.append("]}");
    }

    /** Appends s as a JSON string literal, or null. */
    static void quote(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
            }
        }
        out.append('"');
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("JdbcQuery: " + problem);
        }
        System.err.println("usage: JdbcQuery [--user NAME] [--property K=V]... URL SQL [USER]");
        System.err.println("       JdbcQuery [--user NAME] [--property K=V]... --prepared URL SQL [i:LONG|s:STRING]...");
        System.exit(64);
    }
}
