#!/usr/bin/env bash
# memagent side by side with JDK Flight Recorder (settings=profile) and async-profiler (event=alloc) on two workloads,
# each run several times four ways, the ways alternating: no agent, memagent in memory, JFR, async-profiler (plus
# memagent without its HTTP port, to see what that costs). Prints per workload and JDK an accuracy table (bytes per
# operation against the truth or memagent's exact figure) and a cost table (wall, CPU, peak RSS against no agent,
# start-up and steady state apart). See docs/peers.md.
#   benchmarks/peers.sh              full: sample app 200 x 6 rounds (>= 30 s idle) x 5 runs per side, small calls 1M x 3
#   benchmarks/peers.sh --quick      a smoke test: sample app 10 x 6 rounds x 1 run, small calls 200,000 x 1
#   --no-build                       use the jars already built (benchmarks/run.sh --peers passes it)
# JDKs: JDK17_HOME (default: the java on PATH) and JDK25_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64; skipped if
# absent); PEERS_JDKS=17 runs only the first, PEERS_JDKS=25 only the second. PEERS_SIDES overrides the sides
# (default none,memagent,memagent-bare,jfr,async), PEERS_RUNS the runs per side of both workloads. Extra Maven
# arguments: MVN_ARGS (e.g. MVN_ARGS=-o).
# Everything printed is kept in benchmarks/target/peers-<UTC time>.txt; per-run logs, .jfr, .collapsed and memagent's
# figures under benchmarks/target/peers/.
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=""; BUILD=1
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1 ;;
    --no-build) BUILD="" ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
JDK17_HOME=${JDK17_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
JDK25_HOME=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JDKS=()
[[ "${PEERS_JDKS:-}" != "25" ]] && JDKS+=("$JDK17_HOME")
[[ "${PEERS_JDKS:-}" != "17" && -x "$JDK25_HOME/bin/java" ]] && JDKS+=("$JDK25_HOME")
SIDES=${PEERS_SIDES:-none,memagent,memagent-bare,jfr,async}
if [[ -n "$QUICK" ]]; then SAMPLE=(1 10 6 2); SMALL=(1 200000);
else SAMPLE=(5 200 6 10); SMALL=(3 1000000); fi   # runs, then the workload's arguments
[[ -n "${PEERS_RUNS:-}" ]] && SAMPLE[0]=$PEERS_RUNS && SMALL[0]=$PEERS_RUNS

if [[ -n "$BUILD" ]]; then
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -Pbench package -DskipTests -pl benchmarks -am
fi
AGENT=$PWD/agent/target/memagent.jar
BENCH=$PWD/benchmarks/target/benchmarks.jar
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p benchmarks/target/peers
LOG=benchmarks/target/peers-$STAMP.txt
echo "memagent, JFR and async-profiler${QUICK:+ (quick)}: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
  "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$LOG"
for home in "${JDKS[@]}"; do
  v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.version =/ {print $2}')
  "$home/bin/java" -cp "$BENCH" io.memagent.bench.peers.PeersRun "$AGENT" "$BENCH" "benchmarks/target/peers/$STAMP-$v" \
    sample "${SAMPLE[0]}" "$SIDES" "${SAMPLE[@]:1}" 2>&1 | tee -a "$LOG"
  "$home/bin/java" -cp "$BENCH" io.memagent.bench.peers.PeersRun "$AGENT" "$BENCH" "benchmarks/target/peers/$STAMP-$v" \
    small "${SMALL[0]}" "$SIDES" "${SMALL[@]:1}" 2>&1 | tee -a "$LOG"
done
echo "Full output: $LOG"
