#!/usr/bin/env bash
# The agent's resident memory (ResidentRun): peak RSS (VmHWM) of a fixed-heap app (-Xms128m -Xmx128m
# -XX:+AlwaysPreTouch, one small profiled call every 10 ms) without the agent, in memory mode, and writing to
# PostgreSQL with the HTTP API on; sides alternate, deltas against each round's own no-agent run.
# Needs PostgreSQL: BENCH_JDBC_URL (default jdbc:postgresql://127.0.0.1:5432/test), BENCH_JDBC_USER (default
# postgres); the agent writes to schema memagent_bench_rss, dropped at the end.
# Usage: benchmarks/resident.sh [rounds, default 3] [seconds per run, default 15]   (JAVA_HOME picks the JDK, AGENT
# another agent jar)
# RESIDENT_JVM adds JVM options to every side, e.g. RESIDENT_JVM=-XX:NativeMemoryTracking=summary, and
# RESIDENT_HOOK runs a command (PID replaced) before each run's reading, e.g. 'jcmd PID VM.native_memory summary'.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECONDS_=${2:-15}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
BENCH=benchmarks/target/benchmarks.jar
AGENT=${AGENT:-agent/target/memagent.jar}
URL=${BENCH_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/test}
USER_=${BENCH_JDBC_USER:-postgres}
[[ -f "$AGENT" && -f "$BENCH" ]] || { echo "build first: mvn -B -q -Pbench package -DskipTests -pl benchmarks -am" >&2; exit 2; }
trap 'psql -h 127.0.0.1 -U "$USER_" -d test -qc "DROP SCHEMA IF EXISTS memagent_bench_rss CASCADE" >/dev/null 2>&1 || true' EXIT
"$JAVA" -Dresident.jvm="${RESIDENT_JVM:-}" -Dresident.hook="${RESIDENT_HOOK:-}" -cp "$BENCH" \
  io.memagent.bench.ResidentRun "$AGENT" "$BENCH" "$URL" "$USER_" "$SECONDS_" "$ROUNDS"
