#!/usr/bin/env bash
# Soak test: 64 concurrent uploads of mixed protocols and sizes against the server jar run
# with -Xmx256m, with random client aborts and resumes, for a set time. See bench/README.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/target/chunked-upload-server-0.1.0-SNAPSHOT.jar
duration=600
workers=64
settle=65
seed=''
heap=256m
keep=false

usage() {
	cat <<USAGE
Usage: bench/soak.sh [--duration SECONDS] [--workers N] [--seed N] [--settle SECONDS] [--heap SIZE] [--keep]

Starts the built jar (builds it when target/ has none) on a free loopback port with
-Xmx$heap, fsync on and a fresh data dir, runs bench/soak/Soak.java against it for
--duration seconds (default $duration) with --workers uploads at a time (default $workers),
samples the server's threads, open files, heap and RSS every 5 s, waits --settle seconds
(default $settle, past Tomcat's 60 s idle-thread timeout) and compares threads and open
files with the counts before the run. Exit status 0 only if no file was lost or corrupted,
no answer was a 5xx and nothing leaked.
USAGE
}

while (($#)); do
	case $1 in
	--duration) duration=$2; shift 2 ;;
	--workers) workers=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--settle) settle=$2; shift 2 ;;
	--heap) heap=$2; shift 2 ;;
	--keep) keep=true; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

say() { printf '%s soak: %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() { say "FAILED: $*"; exit 1; }

if [[ ! -f $jar ]]; then
	say "building $jar"
	(cd "$root" && ./mvnw -q -B package -DskipTests) || fail "build failed"
fi

tmp=$(mktemp -d /tmp/chunked-soak.XXXXXX)
server_pid=''
sampler_pid=''
cleanup() {
	[[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null || true
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [[ $keep == true ]]; then say "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

password=soak-$RANDOM$RANDOM
log=$tmp/server.log
java -Xmx"$heap" -jar "$jar" --server.port=0 --server.address=127.0.0.1 \
	--chunked-upload.data-dir="$tmp/data" \
	--chunked-upload.users.soak.password="{noop}$password" --chunked-upload.users.soak.roles=USER \
	--chunked-upload.max-chunk-size=16MB >"$log" 2>&1 &
server_pid=$!
port=''
deadline=$((SECONDS + 120))
while [[ -z $port ]]; do
	kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$log"; fail "the server exited during start-up"; }
	((SECONDS < deadline)) || fail "the server did not start within 120 s"
	port=$(sed -n 's/.*started on port[^0-9]*\([0-9][0-9]*\).*/\1/p' "$log" | sed -n 1p)
	[[ -n $port ]] || sleep 0.2
done
base=http://127.0.0.1:$port
until curl -sf -o /dev/null --max-time 2 "$base/actuator/health"; do
	((SECONDS < deadline)) || fail "the server is not healthy within 120 s"
	sleep 0.2
done

threads() { ls "/proc/$server_pid/task" | wc -l; }
fds() { ls "/proc/$server_pid/fd" | wc -l; }
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"; }
heap_mb() {
	# used heap after the last collection, as the JVM reports it
	jcmd "$server_pid" GC.heap_info 2>/dev/null | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); printf "%.0f", v / 1024; exit } }'
}

sleep 2
threads_before=$(threads)
fds_before=$(fds)
say "server pid $server_pid on $base, -Xmx$heap, fsync on; before: $threads_before threads, $fds_before open files, RSS $(rss_mb) MB"

(
	while kill -0 "$server_pid" 2>/dev/null; do
		printf '%s %s %s %s %s\n' "$SECONDS" "$(threads)" "$(fds)" "$(rss_mb)" "$(heap_mb)"
		sleep 5
	done
) >"$tmp/samples" 2>/dev/null &
sampler_pid=$!

say "$workers uploads at a time for $duration s"
status=0
# The JDK's client keeps idle connections for 1200 s, Tomcat closes them after 60 s: drop
# them sooner, so that no request is written on a connection the server is closing (the
# JDK resends only GETs). Browsers and Node's agents retry such a request instead.
java -Xmx512m -Djdk.httpclient.keepalive.timeout=30 "$root/bench/soak/Soak.java" "$base" soak "$password" "$duration" "$workers" ${seed:+"$seed"} || status=$?

threads_end=$(threads)
fds_end=$(fds)
say "right after the run: $threads_end threads, $fds_end open files; waiting $settle s for idle threads to end"
sleep "$settle"
threads_after=$(threads)
fds_after=$(fds)
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=''

read -r max_threads max_fds max_rss max_heap < <(awk '{ if ($2 > t) t = $2; if ($3 > f) f = $3; if ($4 > r) r = $4; if ($5 > h) h = $5 } END { print t + 0, f + 0, r + 0, h + 0 }' "$tmp/samples")
say "during the run (every 5 s): at most $max_threads threads, $max_fds open files, RSS $max_rss MB, heap used $max_heap MB"
say "after $settle s idle: $threads_after threads (before $threads_before), $fds_after open files (before $fds_before), RSS $(rss_mb) MB"
errors=$(grep -c ' ERROR ' "$log" || true)
say "server log: $errors ERROR lines"

leak=false
# Tomcat keeps up to 10 spare threads; anything beyond that, or open files left, is a leak.
((threads_after <= threads_before + 10)) || leak=true
((fds_after <= fds_before + 5)) || leak=true
if [[ $status != 0 ]]; then fail "lost or corrupted files, or 5xx answers (see above)"; fi
if [[ $leak == true ]]; then fail "threads or open files not back to where they were"; fi
say "PASSED"
