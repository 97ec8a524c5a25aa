#!/usr/bin/env bash
# Start-up cost of -javaagent on a real Spring Boot 4 fat jar (spring-app: embedded Tomcat, JdbcTemplate over
# HikariCP and pgjdbc, a CGLIB-proxied @Transactional service, @ProfileMemory methods): wall time from launching the
# JVM to the app's ready line (printed right after Spring's "Started ... in" line, once Tomcat listens and the app's
# table exists). Three sides alternate, so a change in the machine's load hits all alike: no agent; -javaagent;
# -javaagent with memagent.attribute.jdbc and .http. Prints each side's median and the ratios against the target.
# Needs PostgreSQL for the app's own data: SPRING_JDBC_URL (default jdbc:postgresql://127.0.0.1:5432/test), user
# postgres; the app keeps its table in schema memagent_bench_startup (dropped at the end).
# Usage: benchmarks/startup-spring.sh [runs per side, default 5]   (JAVA_HOME picks the JDK)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=spring-app/target/spring-app.jar
AGENT=agent/target/memagent.jar
URL=${SPRING_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/test}
[[ -f "$JAR" && -f "$AGENT" ]] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

ms_to_ready() { # one run: ms from launch to the ready line, then the JVM is stopped
  local t0 t1 pid
  t0=$(date +%s%N)
  "$JAVA" "$@" -jar "$JAR" --server.port=0 --server.address=127.0.0.1 --spring.datasource.url="$URL" \
      --app.schema=memagent_bench_startup >"$OUT" 2>&1 &
  pid=$!
  until grep -q "spring-app-ready" "$OUT" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "the app died:" >&2; cat "$OUT" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

AGENT_ARGS=(-javaagent:"$AGENT" -Dmemagent.service.name=startup-bench)
ATTR_ARGS=("${AGENT_ARGS[@]}" -Dmemagent.attribute.jdbc=true -Dmemagent.attribute.http=true)
ms_to_ready >/dev/null; ms_to_ready "${ATTR_ARGS[@]}" >/dev/null # warm the page cache, not counted
without=(); with=(); attributed=()
for ((i = 0; i < RUNS; i++)); do
  without+=("$(ms_to_ready)")
  with+=("$(ms_to_ready "${AGENT_ARGS[@]}")")
  attributed+=("$(ms_to_ready "${ATTR_ARGS[@]}")")
done
psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS memagent_bench_startup CASCADE" >/dev/null 2>&1 || true
m0=$(printf '%s\n' "${without[@]}" | median)
m1=$(printf '%s\n' "${with[@]}" | median)
m2=$(printf '%s\n' "${attributed[@]}" | median)
r1=$(awk -v a="$m1" -v b="$m0" 'BEGIN {printf "%.2f", a / b}')
r2=$(awk -v a="$m2" -v b="$m0" 'BEGIN {printf "%.2f", a / b}')
jdk=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.version =/ {print $2}')
echo "Spring Boot start-up, JDK $jdk, $RUNS alternating runs each (ms to ready): without ${without[*]};"\
  "-javaagent ${with[*]}; -javaagent + jdbc/http attribution ${attributed[*]}"
status=$(awk -v r="$r2" 'BEGIN {print (r <= 1.05) ? "met" : "MISSED"}')
echo "SUMMARY|start-up: Spring Boot fat jar, -javaagent, JDK $jdk|${r1}x ($m0 -> $m1 ms, median of $RUNS)|(no target)|info"
echo "SUMMARY|start-up: Spring Boot fat jar, -javaagent + jdbc/http attribution, JDK $jdk|${r2}x ($m0 -> $m2 ms)|<= 1.05x|$status"
