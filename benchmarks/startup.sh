#!/usr/bin/env bash
# Start-up cost of -javaagent on a trivial app (prints one line): runs without the agent, with an agent that does
# nothing (the JVM's own cost of -javaagent, the floor any agent starts from), with memagent, and with it on the same
# app making one profiled call first (that class is woven as it loads, without Byte Buddy) alternate, so a change in
# the machine's load hits all alike; prints each side's median wall time (JVM start to exit), and memagent's over the
# floor.
# Usage: benchmarks/startup.sh [runs per side, default 11]   (JAVA_HOME picks the JDK, AGENT another agent jar)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-11}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
CP=benchmarks/target/classes:api/target/classes
AGENT=${AGENT:-agent/target/memagent.jar}
NOOP=$("$JAVA" -cp "$CP" io.memagent.bench.NoOpAgent)
trap 'rm -f "$NOOP"' EXIT

ms() { # wall time of one run, in ms
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# One of each first, not counted: it warms the page cache for all.
ms "$JAVA" -cp "$CP" io.memagent.bench.StartupApp >/dev/null
ms "$JAVA" -javaagent:"$AGENT" -cp "$CP" io.memagent.bench.StartupApp profiled >/dev/null
without=(); noop=(); with=(); profiled=()
for ((i = 0; i < RUNS; i++)); do
  without+=("$(ms "$JAVA" -cp "$CP" io.memagent.bench.StartupApp)")
  noop+=("$(ms "$JAVA" -javaagent:"$NOOP" -cp "$CP" io.memagent.bench.StartupApp)")
  with+=("$(ms "$JAVA" -javaagent:"$AGENT" -cp "$CP" io.memagent.bench.StartupApp)")
  profiled+=("$(ms "$JAVA" -javaagent:"$AGENT" -cp "$CP" io.memagent.bench.StartupApp profiled)")
done
m0=$(printf '%s\n' "${without[@]}" | median)
mn=$(printf '%s\n' "${noop[@]}" | median)
m1=$(printf '%s\n' "${with[@]}" | median)
m2=$(printf '%s\n' "${profiled[@]}" | median)
added=$(awk -v a="$m1" -v b="$m0" 'BEGIN {print a - b}')
added2=$(awk -v a="$m2" -v b="$m0" 'BEGIN {print a - b}')
floor=$(awk -v a="$mn" -v b="$m0" 'BEGIN {print a - b}')
over=$(awk -v a="$m1" -v b="$mn" 'BEGIN {print a - b}')
over2=$(awk -v a="$m2" -v b="$mn" 'BEGIN {print a - b}')
jdk=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.version =/ {print $2}')
echo "Start-up, JDK $jdk, $RUNS alternating runs each (ms): without the agent ${without[*]}; with an agent that does"\
  "nothing ${noop[*]}; with memagent ${with[*]}; with it and a profiled call at start ${profiled[*]}"
echo "Start-up, JDK $jdk: median without $m0 ms, with $m1 ms (+$added ms), with a profiled call at start $m2 ms (+$added2 ms)"
echo "Start-up, JDK $jdk: an agent that does nothing $mn ms (+$floor ms, the JVM's own cost of -javaagent); memagent over it"\
  "+$over ms, with a profiled call at start +$over2 ms"
status=$(awk -v a="$added" 'BEGIN {print (a <= 150) ? "met" : "MISSED"}')
echo "SUMMARY|start-up: -javaagent added to a trivial app, JDK $jdk|+$added ms ($m0 -> $m1 ms, median of $RUNS)|<= 150 ms|$status"
status2=$(awk -v a="$added2" 'BEGIN {print (a <= 200) ? "met" : "MISSED"}')
echo "SUMMARY|start-up: the same app making a profiled call at start, JDK $jdk|+$added2 ms ($m0 -> $m2 ms)|<= 200 ms|$status2"
