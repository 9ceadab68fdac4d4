package dev.mcpg.jdbc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Runs statements through the ClickHouse JDBC driver and prints each result as
 * one JSON line: {"columns": [...], "rows": [[...], ...]} with every value as
 * ResultSet.getString gives it, or {"error": "..."}.
 *
 * Usage: RunQueries <jdbc url> <user> <password>
 * stdin: statements separated by lines holding only "-- next". A statement
 * whose first line is "-- prepared: <value>" runs as a PreparedStatement with
 * that value bound to its one "?".
 */
public final class RunQueries {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", args[1]);
    props.setProperty("password", args[2]);
    // The endpoint answers uncompressed, as a server does when not asked to compress.
    props.setProperty("compress", "false");
    List<String> statements = readStatements();
    try (Connection conn = DriverManager.getConnection(args[0], props)) {
      for (String sql : statements) {
        try {
          System.out.println(run(conn, sql));
        } catch (Exception e) {
          System.out.println("{\"error\":" + quote(String.valueOf(e.getMessage())) + "}");
        }
        System.out.flush();
      }
    }
  }

  private static String run(Connection conn, String sql) throws Exception {
    String prepared = null;
    if (sql.startsWith("-- prepared: ")) {
      int nl = sql.indexOf('\n');
      prepared = sql.substring("-- prepared: ".length(), nl);
      sql = sql.substring(nl + 1);
    }
    try (PreparedStatement st = conn.prepareStatement(sql)) {
      if (prepared != null) st.setString(1, prepared);
      try (ResultSet rs = st.executeQuery()) {
        return toJson(rs);
      }
    }
  }

  private static String toJson(ResultSet rs) throws Exception {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    StringBuilder out = new StringBuilder("{\"columns\":[");
    for (int i = 1; i <= n; i++) out.append(i > 1 ? "," : "").append(quote(md.getColumnLabel(i)));
    out.append("],\"types\":[");
    for (int i = 1; i <= n; i++) out.append(i > 1 ? "," : "").append(quote(md.getColumnTypeName(i)));
    out.append("],\"rows\":[");
    boolean first = true;
    while (rs.next()) {
      out.append(first ? "[" : ",[");
      first = false;
      for (int i = 1; i <= n; i++) {
        String v = rs.getString(i);
        out.append(i > 1 ? "," : "").append(v == null ? "null" : quote(v));
      }
      out.append("]");
    }
    return out.append("]}").toString();
  }

  private static List<String> readStatements() throws Exception {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("-- next")) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(cur.length() > 0 ? "\n" : "").append(line);
      }
    }
    if (cur.length() > 0) out.add(cur.toString());
    return out;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
