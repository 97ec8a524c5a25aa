package io.memagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OperationNameTest {
    @Test
    void sqlIsNamedByVerbAndFirstTable() {
        assertEquals("DB.SELECT.users", SqlOperationName.of("SELECT id, name FROM users WHERE id = ?"));
        assertEquals("DB.SELECT.users", SqlOperationName.of("  select * from \"users\" u join orders o on o.uid = u.id"));
        assertEquals("DB.SELECT.shop.users", SqlOperationName.of("/* by id */ SELECT 1 FROM shop.users"));
        assertEquals("DB.SELECT.orders", SqlOperationName.of("-- latest\nSELECT (SELECT max(x) FROM a) AS m, 'FROM b' FROM orders"));
        assertEquals("DB.SELECT", SqlOperationName.of("SELECT now()"));
        assertEquals("DB.SELECT", SqlOperationName.of("SELECT * FROM (SELECT 1) t"));
        assertEquals("DB.INSERT.users", SqlOperationName.of("INSERT INTO users (id) VALUES (?)"));
        assertEquals("DB.UPDATE.users", SqlOperationName.of("update users set name = ? where id = ?"));
        assertEquals("DB.DELETE.users", SqlOperationName.of("DELETE FROM users WHERE id = ?"));
        assertEquals("DB.CREATE TABLE t", SqlOperationName.of("CREATE TABLE t (id int)"));
        assertEquals("DB.CREATE TABLE orders", SqlOperationName.of("create table if not exists orders (id int)"));
        assertEquals("DB.CREATE VIEW shop.orders_by_day", SqlOperationName.of("CREATE OR REPLACE VIEW shop.orders_by_day AS SELECT 1"));
        assertEquals("DB.CREATE INDEX orders_idx", SqlOperationName.of("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_idx ON orders (id)"));
        assertEquals("DB.CREATE INDEX ON orders", SqlOperationName.of("CREATE INDEX ON orders (id)"));
        assertEquals("DB.DROP TABLE orders", SqlOperationName.of("DROP TABLE IF EXISTS \"orders\" CASCADE"));
        assertEquals("DB.ALTER TABLE orders", SqlOperationName.of("ALTER TABLE orders ADD COLUMN x int"));
        assertEquals("DB.TRUNCATE TABLE orders", SqlOperationName.of("TRUNCATE orders"));
        assertEquals("DB.TRUNCATE TABLE orders", SqlOperationName.of("TRUNCATE TABLE ONLY orders"));
        assertEquals("DB.DROP", SqlOperationName.of("DROP TABLE"));
        assertEquals("DB.CREATE INDEX vets_last_name", SqlOperationName.of("CREATE INDEX vets_last_name ON vets (last_name)"));
        assertEquals("DB.CREATE SEQUENCE hibernate_sequence", SqlOperationName.of("create sequence hibernate_sequence start 1"));
        assertEquals("DB.WITH", SqlOperationName.of("WITH x AS (SELECT 1) SELECT * FROM x"));
        assertEquals("DB.SELECT.users", SqlOperationName.of("(SELECT * FROM users)"));
        assertEquals("DB.EXECUTE", SqlOperationName.of(""));
        assertEquals("DB.EXECUTE", SqlOperationName.of("  /* nothing */ "));
        assertEquals("DB.SELECT", SqlOperationName.of("SELECT 'unterminated FROM x"));
    }

    @Test
    void httpPathsBecomeTemplates() {
        assertEquals("HTTP GET /orders/{id}", HttpOperationName.of("GET", "/orders/42"));
        assertEquals("HTTP GET /orders/{id}/items", HttpOperationName.of("GET", "/orders/7/items?page=2"));
        assertEquals("HTTP POST /users/{id}", HttpOperationName.of("POST", "/users/123e4567-e89b-12d3-a456-426614174000"));
        assertEquals("HTTP GET /", HttpOperationName.of("GET", "/"));
        assertEquals("HTTP GET /api/v2/cafe", HttpOperationName.of("GET", "/api/v2/cafe"));
        assertEquals("HTTP DELETE /x", HttpOperationName.of("DELETE", "x"));
        // Letters mixed with digits are values, not routes; an API version is a route.
        assertEquals("HTTP GET /orders/{id}", HttpOperationName.of("GET", "/orders/abc1"));
        assertEquals("HTTP GET /orders/{id}", HttpOperationName.of("GET", "/orders/ord-2024-17"));
        assertEquals("HTTP GET /api/v1/orders/{id}", HttpOperationName.of("GET", "/api/v1/orders/x9"));
        assertEquals("HTTP GET /orders/abc", HttpOperationName.of("GET", "/orders/abc"));
        // No route matched (a 406): the path's values are not echoed.
        assertEquals("HTTP GET /actuator/metrics/{value}", HttpOperationName.of("GET", "/actuator/metrics/jvm.memory.used"));
        assertEquals("HTTP GET /files/{value}", HttpOperationName.of("GET", "/files/report.pdf"));
        assertEquals("HTTP GET /reset/{value}", HttpOperationName.of("GET", "/reset/abcdefghijklmnopqrstuvwxyzABCD"));
        assertEquals("HTTP GET /reset/abcdefghijklmnopqrstuvwx", HttpOperationName.of("GET", "/reset/abcdefghijklmnopqrstuvwx"));
    }

    @Test
    void aFrameworkRouteIsUsedAsItIs() {
        assertEquals("HTTP GET /orders/{id}", HttpOperationName.ofRoute("GET", "/orders/{id}"));
        assertEquals("HTTP POST /api/{version}/items", HttpOperationName.ofRoute("POST", "api/{version}/items"));
        assertEquals("HTTP GET /files/**", HttpOperationName.ofRoute("GET", "/files/**"));
    }

    @Test
    void requestNamesBeyondTheCapShareOneOperationPerMethod() {
        OperationRegistry registry = new OperationRegistry(20_000);
        NamedOperations names = new NamedOperations(registry, 3);
        int a = names.http("GET", "/a");
        int b = names.http("GET", "/b");
        int c = names.httpRoute("GET", "/c/{id}");
        int d = names.http("GET", "/d");
        int e = names.http("POST", "/e");
        assertEquals(3, java.util.Set.of(a, b, c).size());
        assertEquals("HTTP GET (other)", names.nameOf(d));
        assertEquals("HTTP POST (other)", names.nameOf(e));
        assertEquals(a, names.http("GET", "/a"), "names seen before the cap keep their operation");
        assertEquals(c, names.httpRoute("GET", "/c/{id}"));
    }
}
