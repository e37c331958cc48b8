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
 * java -cp DIR:trino-jdbc.jar JdbcMetadata URL USER CALL [ARG...]
 *
 * CALL: catalogs | schemas CATALOG SCHEMA_PATTERN | tables CATALOG SCHEMA_PATTERN TABLE_PATTERN TYPES
 *       | columns CATALOG SCHEMA_PATTERN TABLE_PATTERN COLUMN_PATTERN | typeInfo | tableTypes
 *       | primaryKeys CATALOG SCHEMA TABLE
 * ARG "null" is Java null; TYPES is comma separated.
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
        String call = args[2];
        StringBuilder out = new StringBuilder(4096);
        try (Connection conn = DriverManager.getConnection(args[0], props)) {
            DatabaseMetaData md = conn.getMetaData();
            ResultSet rs;
            switch (call) {
                case "catalogs": rs = md.getCatalogs(); break;
                case "schemas": rs = md.getSchemas(arg(args, 3), arg(args, 4)); break;
                case "tables": {
                    String types = arg(args, 6);
                    rs = md.getTables(arg(args, 3), arg(args, 4), arg(args, 5), types == null ? null : types.split(","));
                    break;
                }
                case "columns": rs = md.getColumns(arg(args, 3), arg(args, 4), arg(args, 5), arg(args, 6)); break;
                case "typeInfo": rs = md.getTypeInfo(); break;
                case "tableTypes": rs = md.getTableTypes(); break;
                case "primaryKeys": rs = md.getPrimaryKeys(arg(args, 3), arg(args, 4), arg(args, 5)); break;
                default: usage(); return;
            }
            try (ResultSet r = rs) {
                JdbcQuery.renderResultSet(r, out);
            }
        } catch (SQLException e) {
            StringBuilder err = new StringBuilder();
            err.append("{\"error\":{\"message\":");
            JdbcQuery.quote(err, e.getMessage());
            err.append(",\"errorCode\":").append(e.getErrorCode());
            err.append(",\"sqlState\":");
            JdbcQuery.quote(err, e.getSQLState());
            err.append("}}");
            System.out.println(err);
            System.out.flush();
            System.exit(2);
        }
        System.out.println(out);
        System.out.flush();
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
