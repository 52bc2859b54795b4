#!/usr/bin/env bash
# The nodecast benchmark (see bench/README.md): compiles the benchmark's plain Java sources, builds
# nodecast's jar if it is missing or older than the sources, and runs it.
#   bench/run.sh            the full run (about 4 minutes); results in bench/results/latest.{json,png}
#   bench/run.sh --quick    a smoke run of well under a minute; exits 1 if any message was lost or duplicated
#   bench/run.sh --peer nchan   instead: nodecast beside Nchan on long-poll, SSE and WebSocket (needs nginx, libnginx-mod-nchan); results/nchan.json
#   bench/run.sh --channels     instead: fan-out over 1, 100 and 10,000 channels, and idle channels' memory; results/channels.json
#   bench/run.sh --stalled      instead: the heap that 1,000 stream readers which never read hold, and hostile readers under each attack; results/stalled.json
#   bench/run.sh --help     every option
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
project="$(dirname "$bench")"
jar="${NODECAST_JAR:-$project/target/nodecast.jar}"

if [[ -z "${NODECAST_JAR:-}" ]] && { [[ ! -f "$jar" ]] || [[ -n "$(find "$project/src/main" "$project/web" "$project/pom.xml" -newer "$jar" -print -quit)" ]]; }; then
  echo "bench: building $jar" >&2
  (cd "$project" && mvn -q -B -ntp package -DskipTests)
fi

classes="$bench/target/classes"
rm -rf "$classes"
mkdir -p "$classes"
javac -d "$classes" --release 17 -Xlint:all -Werror $(find "$bench/src" -name '*.java')
# A private copy: someone rebuilding target/ during the run cannot swap the server under test.
cp "$jar" "$bench/target/nodecast.jar"

# --add-opens: the stalled readers set TCP_MAXSEG through the JDK's own setsockopt (TcpMaxSegment.java).
exec java -Djava.awt.headless=true -Xmx1g --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp "$classes" nodecast.bench.Bench \
  --jar "$bench/target/nodecast.jar" --home "$bench" "$@"
