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
        assertEquals("DB.CREATE", SqlOperationName.of("CREATE TABLE t (id int)"));
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
    }
}
