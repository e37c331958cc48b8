import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Calls one java.sql.DatabaseMetaData method through a real JDBC driver (the Trino JDBC driver in
 * querygate's tests), the way BI tools browse a database, and prints the result set as one JSON
 * document on stdout (the same shape as JdbcQuery's).
 *
 * <pre>
 * java -cp DIR:trino-jdbc.jar JdbcMetadata URL USER CALL [ARG...] [-- CALL [ARG...]]...
 *
 * CALL: catalogs | schemas CATALOG SCHEMA_PATTERN | tables CATALOG SCHEMA_PATTERN TABLE_PATTERN TYPES
 *       | columns CATALOG SCHEMA_PATTERN TABLE_PATTERN COLUMN_PATTERN | typeInfo | tableTypes
 *       | primaryKeys CATALOG SCHEMA TABLE
 * ARG "null" is Java null; TYPES is comma separated. Several calls (separated by "--") share one
 * connection and print a JSON array of their result sets.
 * </pre>
 *
 * SQLException: {"error":{...}} as JdbcQuery prints it, exit 2. Bad usage: exit 64.
 */
public final class JdbcMetadata {
    private JdbcMetadata() {}

    public static void main(String[] args) {
        if (args.length < 3) {
            usage();
        }
        Properties props = new Properties();
        props.setProperty("user", args[1]);
        StringBuilder out = new StringBuilder(4096);
        try (Connection conn = DriverManager.getConnection(args[0], props)) {
            DatabaseMetaData md = conn.getMetaData();
            java.util.List<String[]> calls = new java.util.ArrayList<>();
            int start = 2;
            for (int i = 2; i <= args.length; i++) {
                if (i == args.length || args[i].equals("--")) {
                    calls.add(java.util.Arrays.copyOfRange(args, start, i));
                    start = i + 1;
                }
            }
            if (calls.size() > 1) {
                out.append('[');
            }
            for (int c = 0; c < calls.size(); c++) {
                if (c > 0) {
                    out.append(',');
                }
                try (ResultSet r = call(md, calls.get(c))) {
                    JdbcQuery.renderResultSet(r, out);
                }
            }
            if (calls.size() > 1) {
                out.append(']');
            }
        } catch (SQLException e) {
            JdbcQuery.exitWithError(e);
        }
        System.out.println(out);
        System.out.flush();
    }

    private static ResultSet call(DatabaseMetaData md, String[] call) throws SQLException {
        if (call.length == 0) {
            usage();
        }
        switch (call[0]) {
            case "catalogs": return md.getCatalogs();
            case "schemas": return md.getSchemas(arg(call, 1), arg(call, 2));
            case "tables": {
                String types = arg(call, 4);
                return md.getTables(arg(call, 1), arg(call, 2), arg(call, 3), types == null ? null : types.split(","));
            }
            case "columns": return md.getColumns(arg(call, 1), arg(call, 2), arg(call, 3), arg(call, 4));
            case "typeInfo": return md.getTypeInfo();
            case "tableTypes": return md.getTableTypes();
            case "primaryKeys": return md.getPrimaryKeys(arg(call, 1), arg(call, 2), arg(call, 3));
            default: usage(); return null;
        }
    }

    private static String arg(String[] args, int i) {
        if (i >= args.length) {
            usage();
        }
        return args[i].equals("null") ? null : args[i];
    }

    private static void usage() {
        System.err.println("usage: JdbcMetadata URL USER catalogs|schemas|tables|columns|typeInfo|tableTypes|primaryKeys [ARG...]");
        System.exit(64);
    }
}
