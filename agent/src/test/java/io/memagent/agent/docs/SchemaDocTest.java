package io.memagent.agent.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * docs/schema.md's "Columns" table lists every table and view the migrations make, each with
 * exactly its columns in their order: the migrations are applied to a fresh schema of a real
 * PostgreSQL and the catalogue is compared with the page (daily partitions aside).
 */
class SchemaDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9_]+)` \\| (.*) \\|$");

    @Test
    void theColumnsTableEqualsWhatTheMigrationsMake() throws Exception {
        TestPostgres db = TestPostgres.get();
        String schema = TestPostgres.newSchema();
        try {
            try (Connection c = db.connect()) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
            Flyway.configure(SchemaDocTest.class.getClassLoader())
                    .dataSource(db.url, db.user, db.password)
                    .schemas(schema).defaultSchema(schema).createSchemas(false)
                    .table("memagent_schema_history")
                    .locations("classpath:io/memagent/migrations")
                    .load().migrate();
            Map<String, List<String>> made = new LinkedHashMap<>();
            try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?"
                            + " AND table_name !~ '_p[0-9]{8}$' ORDER BY table_name, ordinal_position")) {
                st.setString(1, schema);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        made.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
            assertTrue(made.size() >= 15, made.keySet().toString());
            Map<String, List<String>> documented = new LinkedHashMap<>();
            boolean inColumns = false;
            for (String line : Files.readAllLines(Path.of("..", "docs", "schema.md"))) {
                if (line.startsWith("## ")) {
                    inColumns = line.equals("## Columns");
                    continue;
                }
                Matcher m = ROW.matcher(line);
                if (inColumns && m.matches()) {
                    List<String> columns = new ArrayList<>();
                    Matcher col = Pattern.compile("`([a-z0-9_]+)`").matcher(m.group(2));
                    while (col.find()) {
                        columns.add(col.group(1));
                    }
                    documented.put(m.group(1), columns);
                }
            }
            StringBuilder expected = new StringBuilder();
            new java.util.TreeMap<>(made).forEach((t, cols) -> expected.append("| `").append(t).append("` | `")
                    .append(String.join("`, `", cols)).append("` |\n"));
            assertEquals(new java.util.TreeMap<>(made), new java.util.TreeMap<>(documented),
                    "docs/schema.md's Columns table must be:\n" + expected);
        } finally {
            db.dropSchema(schema);
        }
    }
}
