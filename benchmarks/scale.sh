#!/usr/bin/env bash
# The fleet load test (issue 16, docs/scale.md): N simulated agents (real PostgresWriter instances, each with its own
# pool, run id and service) writing into the local PostgreSQL for a few minutes, then a week of one service's history
# made by SQL and the dashboard's queries timed on it. Prints a table against the targets.
#   benchmarks/scale.sh [agents=50] [seconds=180] [operations per agent=2000]
# PostgreSQL: BENCH_JDBC_URL (default jdbc:postgresql://127.0.0.1:5432/test), BENCH_JDBC_USER (default postgres); it
# works in schemas of its own and drops them. On a shared machine, run it under the build lock:
#   flock /tmp/memagent-build.lock benchmarks/scale.sh
# BENCH_JAVA_OPTS=-Dbench.keepWeek=true keeps the week's schema (its name is printed) to try queries on; drop it after.
set -euo pipefail
cd "$(dirname "$0")/.."
AGENTS=${1:-50}; SECONDS_=${2:-180}; OPS=${3:-2000}
URL=${BENCH_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/test}
USER_=${BENCH_JDBC_USER:-postgres}
# shellcheck disable=SC2086
mvn -B -q ${MVN_ARGS:-} -Pbench package -DskipTests -pl benchmarks -am
mkdir -p benchmarks/target
LOG=benchmarks/target/scale-$(date -u +%Y%m%dT%H%M%SZ).txt
echo "memagent scale test, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$(psql "${URL#jdbc:}" -U "$USER_" -Atc 'select version()' 2>/dev/null | cut -d, -f1 || echo PostgreSQL)" | tee "$LOG"
java -Xmx3g ${BENCH_JAVA_OPTS:-} -cp "benchmarks/target/benchmarks.jar:agent/target/memagent.jar" io.memagent.bench.ScaleRun \
  "$URL" "$USER_" "$AGENTS" "$SECONDS_" "$OPS" 2>&1 | grep --line-buffered -v '^\[memagent\]' | tee -a "$LOG"
