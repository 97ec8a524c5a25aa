#!/usr/bin/env bash
# Start-up cost of -javaagent on a real Spring Boot 4 fat jar (spring-app: embedded Tomcat, JdbcTemplate over
# HikariCP and pgjdbc, a CGLIB-proxied @Transactional service, @ProfileMemory methods), from launching java to:
#   started                 Spring's own "Started ... in" line;
#   first answered request  the first 200 to GET /orders/1 (tried every 5 ms from the launch on).
# The sides alternate run by run, so a change in the machine's load hits all alike: no agent; an agent that does
# nothing (the JVM's own cost of -javaagent, the floor any agent starts from); the same with a transformer that
# changes nothing (the JVM's cost of showing every class load to an agent); -javaagent; -javaagent with
# memagent.attribute.jdbc and .http. Prints each side's medians and the ratios against the run's own no-agent
# medians, with the targets, and each side over those two floors (SpringStartupRun).
# Needs PostgreSQL for the app's own data: SPRING_JDBC_URL (default jdbc:postgresql://127.0.0.1:5432/test), user
# postgres; the app keeps its table in schema memagent_bench_startup (made with order 1 first, dropped at the end).
# Usage: benchmarks/startup-spring.sh [runs per side, default 5]   (JAVA_HOME picks the JDK, AGENT another agent jar;
# OTHER_AGENT=<jar> adds that build's two sides to the same rounds, to compare two builds)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=spring-app/target/spring-app.jar
AGENT=${AGENT:-agent/target/memagent.jar}
BENCH=benchmarks/target/benchmarks.jar
URL=${SPRING_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/test}
SCHEMA=memagent_bench_startup
[[ -f "$JAR" && -f "$AGENT" && -f "$BENCH" ]] || {
  echo "build first: mvn -B -q -Pbench package -DskipTests -pl benchmarks,spring-app -am" >&2; exit 2; }
PSQL=(psql -h 127.0.0.1 -U postgres -d test -v ON_ERROR_STOP=1 -q)
"${PSQL[@]}" -c "CREATE SCHEMA IF NOT EXISTS $SCHEMA;
  CREATE TABLE IF NOT EXISTS $SCHEMA.orders (id text PRIMARY KEY, amount bigint NOT NULL, note text NOT NULL);
  INSERT INTO $SCHEMA.orders VALUES ('1', 42, 'order 1 of 42') ON CONFLICT (id) DO NOTHING" >/dev/null
trap '"${PSQL[@]}" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true' EXIT
"$JAVA" -Dbench.other.agent="${OTHER_AGENT:-}" -cp "$BENCH" io.memagent.bench.SpringStartupRun "$AGENT" "$JAR" "$URL" "$SCHEMA" "$RUNS"
