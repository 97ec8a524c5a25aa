#!/usr/bin/env bash
# The agent's CPU on an app doing real work (CpuRun): steady-state process CPU time of the sample app without the
# agent and with it, runs alternating, each against its own round's no-agent run; the paired ratio against 1.05x per
# JDK, and where the extra CPU goes (per thread group: JIT, GC, VM thread, each memagent thread, the app).
# Usage: benchmarks/cpu.sh [runs per side, default 5] [batches, default 200]   (each batch is SampleApp --rounds 6;
# the first tenth are the warm-up)
# JDKs: JDK17_HOME (default: the java on PATH) and JDK25_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64; skipped if
# absent); CPU_JDKS=17 or 25 runs one. CPU_SIDES picks the sides (default none,memory; also postgres: PostgreSQL and
# the HTTP API, BENCH_JDBC_URL/BENCH_JDBC_USER, schema memagent_bench_cpu dropped at the end). CPU_JVM adds JVM
# options to every side, CPU_AGENT_JVM to the agent's sides only; AGENT picks another agent jar. A side memory:V (or
# postgres:V) is a variant: CPU_RUN_OPTS="-Dcpu.variant.V.jar=/tmp/old.jar -Dcpu.variant.V.jvm=-XX:..." (the options
# of the runner JVM; ";" between a variant's options), e.g. CPU_SIDES=none,memory,memory:old to compare two builds in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
BATCHES=${2:-200}
WARMUP=$(( BATCHES / 10 > 0 ? BATCHES / 10 : 1 ))
JDK17_HOME=${JDK17_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
JDK25_HOME=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JDKS=()
[[ "${CPU_JDKS:-}" != "25" ]] && JDKS+=("$JDK17_HOME")
[[ "${CPU_JDKS:-}" != "17" && -x "$JDK25_HOME/bin/java" ]] && JDKS+=("$JDK25_HOME")
BENCH=benchmarks/target/benchmarks.jar
AGENT=${AGENT:-agent/target/memagent.jar}
URL=${BENCH_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/test}
USER_=${BENCH_JDBC_USER:-postgres}
[[ -f "$AGENT" && -f "$BENCH" ]] || { echo "build first: mvn -B -q -Pbench package -DskipTests -pl benchmarks -am" >&2; exit 2; }
if [[ "${CPU_SIDES:-}" == *postgres* ]]; then
  trap 'psql -h 127.0.0.1 -U "$USER_" -d test -qc "DROP SCHEMA IF EXISTS memagent_bench_cpu CASCADE" >/dev/null 2>&1 || true' EXIT
fi
for home in "${JDKS[@]}"; do
  # shellcheck disable=SC2086
  "$home/bin/java" ${CPU_RUN_OPTS:-} -Dcpu.jvm="${CPU_JVM:-}" -Dcpu.agent.jvm="${CPU_AGENT_JVM:-}" -Dcpu.jdbc.url="$URL" \
    -Dcpu.jdbc.user="$USER_" -cp "$BENCH" io.memagent.bench.CpuRun "$AGENT" "$BENCH" "$RUNS" \
    "${CPU_SIDES:-none,memory}" "$BATCHES" 6 "$WARMUP"
done
