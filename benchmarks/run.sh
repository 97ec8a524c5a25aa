#!/usr/bin/env bash
# Runs every memagent benchmark and prints one table of ratios against the targets.
#   benchmarks/run.sh            full: 3 JMH rounds per thread count, 21 start-up runs per side, 5 writer trials
#   benchmarks/run.sh --quick    a few minutes: 1 JMH round, 11 start-up runs per side, 3 writer trials
#   benchmarks/run.sh --peers    also memagent side by side with JFR and async-profiler (benchmarks/peers.sh: about
#                                20 minutes per JDK in full, a smoke test with --quick; see docs/peers.md)
# JDKs: JDK17_HOME (default: the java on PATH) and JDK25_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64; skipped if
# absent). The writer benchmark needs PostgreSQL: BENCH_JDBC_URL (default jdbc:postgresql://127.0.0.1:5432/test) and
# BENCH_JDBC_USER (default postgres); it works in a schema of its own and drops it. Extra Maven arguments: MVN_ARGS
# (e.g. MVN_ARGS=-o). Everything printed is also kept in benchmarks/target/results-<UTC time>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=""; PEERS=""
for a in "$@"; do
  case "$a" in
    --quick) QUICK="--quick" ;;
    --peers) PEERS=1 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
JDK17_HOME=${JDK17_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
JDK25_HOME=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
URL=${BENCH_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/test}
USER_=${BENCH_JDBC_USER:-postgres}
JDKS=("$JDK17_HOME")
[[ -x "$JDK25_HOME/bin/java" ]] && JDKS+=("$JDK25_HOME")
if [[ -n "$QUICK" ]]; then STARTUP_RUNS=11; SPRING_RUNS=3; WRITER_TRIALS=3; AGG_SECONDS=3; FOOT_PAIRS=1; SAMPLER_S=5; MOUNT_PAIRS=3; RSS_ROUNDS=1;
else STARTUP_RUNS=21; SPRING_RUNS=5; WRITER_TRIALS=5; AGG_SECONDS=10; FOOT_PAIRS=3; SAMPLER_S=20; MOUNT_PAIRS=7; RSS_ROUNDS=3; fi

# shellcheck disable=SC2086
mvn -B -q ${MVN_ARGS:-} -Pbench package -DskipTests -pl benchmarks,spring-app -am
AGENT=$PWD/agent/target/memagent.jar
BENCH=$PWD/benchmarks/target/benchmarks.jar
API=$PWD/api/target/classes
mkdir -p benchmarks/target
LOG=benchmarks/target/results-$(date -u +%Y%m%dT%H%M%SZ).txt
echo "memagent benchmarks $QUICK, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$LOG"

for home in "${JDKS[@]}"; do
  "$home/bin/java" -cp "$BENCH" io.memagent.bench.HotPathRun "$AGENT" $QUICK 2>&1 | tee -a "$LOG" | grep -v '^#\|^Iteration\|^$\|^ \|^Secondary\|^Result\|^\[memagent\]\|^Benchmark \|^HotPathBench\|^REMEMBER\|^experiments\|^the benchmarking\|^Do not assume\|^interpret\|^Use profilers\|^known to\|^Checking' || true
done
for home in "${JDKS[@]}"; do
  "$home/bin/java" -cp "$BENCH" io.memagent.bench.AggregationRun "$AGENT" "$BENCH" "$AGG_SECONDS" 2>&1 | tee -a "$LOG"
done
for home in "${JDKS[@]}"; do
  JAVA_HOME=$home benchmarks/startup.sh "$STARTUP_RUNS" 2>&1 | tee -a "$LOG"
done
for home in "${JDKS[@]}"; do
  JAVA_HOME=$home benchmarks/startup-spring.sh "$SPRING_RUNS" 2>&1 | tee -a "$LOG"
done
"$JDK17_HOME/bin/java" -cp "$BENCH:$AGENT" io.memagent.bench.WriterRun "$URL" "$USER_" 200000 "$WRITER_TRIALS" 2>&1 | tee -a "$LOG"
for home in "${JDKS[@]}"; do
  "$home/bin/java" -cp "$BENCH" io.memagent.bench.FootprintRun "$AGENT" "$API" "$SAMPLER_S" "$FOOT_PAIRS" 2>&1 | tee -a "$LOG"
  "$home/bin/java" -cp "$BENCH" io.memagent.bench.MountCostRun "$AGENT" "$BENCH" "$MOUNT_PAIRS" 2>&1 | tee -a "$LOG"
  JAVA_HOME=$home benchmarks/resident.sh "$RSS_ROUNDS" 15 2>&1 | tee -a "$LOG"
done
if [[ -n "$PEERS" ]]; then
  # shellcheck disable=SC2086
  benchmarks/peers.sh --no-build $QUICK 2>&1 | tee -a "$LOG"
fi

echo
echo "Summary ($(date -u '+%Y-%m-%d %H:%M UTC'); every ratio measured side by side in one run)" | tee -a "$LOG"
grep -h '^SUMMARY|' "$LOG" | cut -d'|' -f2- | awk -F'|' 'BEGIN {printf "%-62s %-58s %-14s %s\n", "what", "measured", "target", "status"}
  {printf "%-62s %-58s %-14s %s\n", $1, $2, $3, $4}' | tee -a "$LOG.table"
cat "$LOG.table" >> "$LOG" && rm "$LOG.table"
echo "Full output: $LOG"
