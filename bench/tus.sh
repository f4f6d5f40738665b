#!/usr/bin/env bash
# tus-js-client (Node) uploading the same file alternately to this server and to
# @tus/server with its FileStore (or, with --store s3, this server on its S3 store and
# @tus/server with @tus/s3-store, both against one local S3Proxy), on loopback, rounds in
# one run. See bench/README.md.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar=$root/target/chunked-upload-server-0.1.0-SNAPSHOT.jar
node_dir=$here/tus

usage() {
	cat <<EOF
Usage: $prog [options]

Starts this server (the built jar) and @tus/server with FileStore (from bench/tus, npm
packages pinned in its package-lock.json), each on a free loopback port, and uploads a
random file with tus-js-client in Node to one, then the other, for several rounds (the
order alternates). Prints MB/s per round and server, and the ratio this server /
@tus/server. Every upload is checked: the MD5 this server records, and the MD5 of the
file @tus/server stored.

Options (environment variable in brackets):
  --rounds N               rounds, one upload to each server per round [BENCH_ROUNDS, 3]
  --size BYTES             file size (with --uploads > 1: of each upload)
                                      [BENCH_SIZE, 1073741824; 67108864 with --uploads > 1]
  --chunk BYTES            tus-js-client chunkSize
                                      [BENCH_CHUNK, 8388608; 1048576 with --uploads > 1]
  --uploads N              N > 1: each round runs bench/tus/many.mjs against each server:
                           N tus-js-client uploads of --size bytes at once in one Node
                           process; rows give aggregate MB/s, chunks/s and the PATCH
                           latency (p50, p99, max); every upload's stored file checked
                           (file store only)                      [BENCH_UPLOADS, 1]
  --preset NAME            one command per target of the performance issue (--uploads,
                           --size and --chunk override the values of many and latency;
                           small-chunks takes --uploads and --chunks):
                             many          16 uploads at once, 64 MiB each, 1 MiB chunks
                                           (target: MB/s this / @tus/server >= 1.2)
                             latency       100 uploads at once, 8 MiB each, 1 MiB chunks
                                           (p50 and p99 PATCH latency)
                             small-chunks  chunks of 64 KiB, then of 1 MiB, each on 1 upload
                                           and on 16 at once (--uploads), --chunks chunks per
                                           run in all (chunks/s: a chunk's fixed cost)
                                                                 [BENCH_PRESET, none]
  --chunks N               small-chunks: the chunks (PATCH requests) of each run, shared
                           out among its uploads                  [BENCH_CHUNKS, 2048]
  --fsync on|off           this server's fsync setting          [BENCH_FSYNC, on]
  --store file|s3          file: this server on the file system, @tus/server with
                           FileStore; s3: this server on its S3 store, @tus/server with
                           @tus/s3-store, both against one S3Proxy (the pom's test
                           dependency, run standalone with its filesystem-nio2 store in
                           the temp dir); each upload checked by the MD5 this server
                           records, and by the MD5 of the object @tus/s3-store stored
                                                                [BENCH_STORE, file]
  --warmup BYTES           per server, a first upload not measured (0: none)
                                                                [BENCH_WARMUP, 536870912]
  --warmup-requests N      per server, then an upload of N chunks of 16 KiB, not measured,
                           so the per-request code is compiled too (HotSpot's C2 takes a
                           few thousand requests) (0: none)  [BENCH_WARMUP_REQUESTS, 6000]
                           (with --store s3, @tus/server gets at most 200: see bench/README.md)
  --settle-runs N           then, per case, run the measured workload unmeasured against
                           both servers (the same number of times) until this server's
                           JIT compiler threads used at most --settle-jit of its CPU
                           during two runs in a row, at most N times: HotSpot goes on
                           recompiling for several GiB after the warm-up (C2 took 2.9 s
                           of 8.1 in the first measured round, 0.7 of 5.0 in the
                           sixth), and a long-running server is measured at its steady
                           state (0: none)                      [BENCH_SETTLE_RUNS, 40]
  --settle-jit PERCENT     the JIT's share of this server's CPU that counts as settled
                           (at 10 %, C2 still took 15 % in the measured rounds)
                                                                   [BENCH_SETTLE_JIT, 5]
  --cache DIR              where the random file is kept for reuse; '' = temp dir only
                                                                [BENCH_CACHE_DIR, /tmp/bench-cache]
  --quiet-wait SECONDS     before each upload, wait at most this long for the machine
                           to be idle                            [BENCH_QUIET_WAIT, 60]
  --busy-retries N         measure an upload again, at most N times, when other work
                           took over 0.25 CPU during it (marked *); the ratios use the
                           least disturbed attempt             [BENCH_BUSY_RETRIES, 2]
  --profile                this server's threads' CPU per upload, and a JFR profile of
                           the measured rounds (after settling): its hottest frames and
                           their packages at the end              [BENCH_PROFILE=1]
  --interop                instead of measuring, run bench/tus/interop.mjs against this
                           server: tus-js-client's features (one PATCH or chunks, data
                           during creation, deferred length, method override,
                           parallelUploads, pause and resume, termination), each upload
                           checked byte for byte; then bench/tus/rufh-interop.mjs (see
                           --interop-rufh)
  --interop-rufh           only bench/tus/rufh-interop.mjs: tus-js-client with protocol
                           'ietf-draft-05' against /api/rufh (one request or chunks, data
                           during creation, abort and resume by uploadUrl or by
                           findPreviousUploads, termination, Readable streams), each
                           upload checked by size, MD5 and content
  --keep                   keep the temp dir (logs, data)
  -h, --help               this help

Also BENCH_JAVA_OPTS: extra JVM options for this server; BENCH_JFR_SETTINGS: the JFR
settings of --profile (default 'profile', Java samples every 10 ms; a .jfc file for others). Needs node >= 20.19 and npm
(the first run installs bench/tus/node_modules with npm ci).
MB = 10^6 bytes. The targets, fsync on: one upload, this server >= 1.1 x @tus/server;
--preset many, this server >= 1.2 x @tus/server.
EOF
}

rounds=${BENCH_ROUNDS:-3}
# Empty: the default of the mode (one upload, --uploads > 1, the preset), set below.
size=${BENCH_SIZE:-}
chunk=${BENCH_CHUNK:-}
uploads=${BENCH_UPLOADS:-}
preset=${BENCH_PRESET:-}
chunks=${BENCH_CHUNKS:-}
fsync=${BENCH_FSYNC:-on}
store=${BENCH_STORE:-file}
warmup=${BENCH_WARMUP:-536870912}
warmup_requests=${BENCH_WARMUP_REQUESTS:-6000}
cache_dir=${BENCH_CACHE_DIR-/tmp/bench-cache}
quiet_wait=${BENCH_QUIET_WAIT:-60}
busy_retries=${BENCH_BUSY_RETRIES:-2}
settle_runs=${BENCH_SETTLE_RUNS:-40}
settle_jit=${BENCH_SETTLE_JIT:-5}
profile=${BENCH_PROFILE:-0}
keep=0
interop=0

while [[ $# -gt 0 ]]; do
	case $1 in
	--rounds) rounds=$2; shift ;;
	--size) size=$2; shift ;;
	--chunk) chunk=$2; shift ;;
	--uploads) uploads=$2; shift ;;
	--preset) preset=$2; shift ;;
	--chunks) chunks=$2; shift ;;
	--fsync) fsync=$2; shift ;;
	--store) store=$2; shift ;;
	--warmup) warmup=$2; shift ;;
	--warmup-requests) warmup_requests=$2; shift ;;
	--cache) cache_dir=$2; shift ;;
	--quiet-wait) quiet_wait=$2; shift ;;
	--busy-retries) busy_retries=$2; shift ;;
	--settle-runs) settle_runs=$2; shift ;;
	--settle-jit) settle_jit=$2; shift ;;
	--profile) profile=1 ;;
	--keep) keep=1 ;;
	--interop) interop=1 ;;
	--interop-rufh) interop=2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "$prog: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
case $fsync in on | off) ;; *) echo "$prog: --fsync on|off" >&2; exit 2 ;; esac
case $store in file | s3) ;; *) echo "$prog: --store file|s3" >&2; exit 2 ;; esac
case $preset in '' | many | latency | small-chunks) ;; *) echo "$prog: --preset many|latency|small-chunks" >&2; exit 2 ;; esac
for number in "$rounds" "$warmup" "$warmup_requests" "$quiet_wait" "$busy_retries" "$settle_runs" "$settle_jit"; do
	[[ $number =~ ^[0-9]+$ ]] || { echo "$prog: not a number: $number" >&2; exit 2; }
done
for number in "$size" "$chunk" "$uploads" "$chunks"; do
	[[ -z $number || $number =~ ^[0-9]+$ ]] || { echo "$prog: not a number: $number" >&2; exit 2; }
done
[[ -z $chunks || $preset == small-chunks ]] || { echo "$prog: --chunks applies to --preset small-chunks only" >&2; exit 2; }
# With --uploads > 1 or a preset: the cases many.mjs measures, one table each (uploads at
# once, bytes of each, chunk size). None: one upload at a time with upload.mjs, as before.
case_uploads=()
case_size=()
case_chunk=()
case $preset in
many)
	case_uploads=("${uploads:-16}") case_size=("${size:-67108864}") case_chunk=("${chunk:-1048576}") ;;
latency)
	case_uploads=("${uploads:-100}") case_size=("${size:-8388608}") case_chunk=("${chunk:-1048576}") ;;
small-chunks)
	[[ -z $size && -z $chunk ]] ||
		{ echo "$prog: --size and --chunk do not apply to --preset small-chunks (--chunks and --uploads do)" >&2; exit 2; }
	chunks=${chunks:-2048}
	uploads=${uploads:-16}
	((chunks >= 1 && uploads >= 1)) || { echo "$prog: chunks and uploads must be positive" >&2; exit 2; }
	for piece in 65536 1048576; do
		# One upload with all the chunks, then --uploads at once, each with its share
		# (rounded up).
		case_uploads+=(1 "$uploads")
		case_size+=("$((chunks * piece))" "$((((chunks + uploads - 1) / uploads) * piece))")
		case_chunk+=("$piece" "$piece")
	done ;;
'')
	if [[ -n $uploads && $uploads != 1 ]]; then
		case_uploads=("$uploads") case_size=("${size:-67108864}") case_chunk=("${chunk:-1048576}")
	fi ;;
esac
size=${size:-1073741824}
chunk=${chunk:-8388608}
uploads=${uploads:-1}
many=0
((${#case_uploads[@]} == 0)) || many=1
((rounds >= 1 && size >= 1 && chunk >= 1 && uploads >= 1)) ||
	{ echo "$prog: rounds, size, chunk and uploads must be positive" >&2; exit 2; }
for ((i = 0; i < ${#case_uploads[@]}; i++)); do
	((case_uploads[i] >= 1 && case_size[i] >= 1 && case_chunk[i] >= 1)) ||
		{ echo "$prog: uploads, size and chunk must be positive" >&2; exit 2; }
done
if ((many)); then
	[[ $store == file ]] || { echo "$prog: --uploads > 1 and --preset measure with --store file only" >&2; exit 2; }
	[[ $interop -eq 0 ]] || { echo "$prog: --interop measures nothing: no --uploads or --preset with it" >&2; exit 2; }
fi
((many || warmup <= size)) || warmup=$size

user=bench
password=secret
tmp=$(mktemp -d /tmp/tus-bench.XXXXXX)
java_pid=''
node_pid=''
s3_pid=''
cleanup() {
	stop_process "$java_pid"
	stop_process "$node_pid"
	stop_process "$s3_pid"
	java_pid=''
	node_pid=''
	s3_pid=''
	if [[ $keep -eq 1 ]]; then
		echo "$prog: kept $tmp" >&2
	else
		rm -rf -- "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { echo "$prog: $*" >&2; }
# shellcheck source=bench/settle.sh
. "$here/settle.sh"
fail() {
	say "$*"
	exit 1
}
now_ns() { date +%s%N; }
rate() { awk -v b="$1" -v ms="$2" -v u="$3" 'BEGIN { printf "%.1f", (ms > 0) ? b / u / (ms / 1e3) : 0 }'; }

stop_process() {
	local pid=$1
	[[ -n $pid ]] || return 0
	kill "$pid" 2>/dev/null || true
	local deadline=$((SECONDS + 20))
	while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
		sleep 0.2
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# --- prerequisites ------------------------------------------------------------------
command -v node >/dev/null || fail "node is required (>= 20.19)"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
	fail "node >= 20.19 is required (found $(node --version))"
if [[ ! -d $node_dir/node_modules/tus-js-client || ! -d $node_dir/node_modules/@tus/server ]]; then
	say "installing the pinned npm packages in $node_dir"
	(cd "$node_dir" && npm ci --no-audit --no-fund >/dev/null) || fail "npm ci failed"
fi
if [[ ! -f $jar ]]; then
	say "building $jar"
	(cd "$root" && ./mvnw -q -B package -DskipTests) || fail "build failed"
fi

# --- the servers --------------------------------------------------------------------
java_base=''
start_java() {
	local data=$tmp/java-data log=$tmp/java.log port=''
	mkdir -p "$data"
	# Created here, not by the background job's redirection, which may come later.
	: >"$log"
	local storage=()
	[[ $store == file ]] || storage=(--chunked-upload.storage.type=s3 --chunked-upload.storage.s3.bucket=java
		--chunked-upload.storage.s3.endpoint="$s3_base" --chunked-upload.storage.s3.path-style-access=true)
	# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
	java ${BENCH_JAVA_OPTS:-} -jar "$jar" --server.port=0 --server.address=127.0.0.1 \
		--chunked-upload.data-dir="$data" "${storage[@]}" \
		--chunked-upload.users.$user.password="{noop}$password" --chunked-upload.users.$user.roles=USER \
		--chunked-upload.fsync="$([[ $fsync == on ]] && echo true || echo false)" >"$log" 2>&1 &
	java_pid=$!
	local deadline=$((SECONDS + 120))
	while [[ -z $port ]]; do
		kill -0 "$java_pid" 2>/dev/null || { tail -n 30 "$log" >&2; fail "this server exited during start-up"; }
		((SECONDS < deadline)) || fail "this server did not start within 120 s (log: $log)"
		port=$(sed -n 's/.*started on port[^0-9]*\([0-9][0-9]*\).*/\1/p' "$log" | sed -n 1p)
		[[ -n $port ]] || sleep 0.2
	done
	java_base=http://127.0.0.1:$port
	while ! curl -sf -o /dev/null --max-time 2 "$java_base/actuator/health"; do
		((SECONDS < deadline)) || fail "this server is not healthy within 120 s (log: $log)"
		sleep 0.2
	done
	say "this server: pid $java_pid on $java_base, $([[ $store == file ]] && echo "fsync $fsync" || echo "S3 store, bucket java")"
}

node_base=''
start_node() {
	local files=$tmp/node-files log=$tmp/node.log port
	mkdir -p "$files"
	: >"$log"
	if [[ $store == file ]]; then
		node "$node_dir/tus-server.mjs" "$files" >"$log" 2>&1 &
	else
		node "$node_dir/tus-server.mjs" --s3 "$s3_base" node >"$log" 2>&1 &
	fi
	node_pid=$!
	port=$(listening_port "$node_pid" "$log" @tus/server)
	node_base=http://127.0.0.1:$port
	if [[ $store == file ]]; then
		say "@tus/server $(node -p 'require(process.argv[1]).version' "$node_dir/node_modules/@tus/server/package.json"): pid $node_pid on $node_base, FileStore in $files"
	else
		say "@tus/server $(node -p 'require(process.argv[1]).version' "$node_dir/node_modules/@tus/server/package.json") with @tus/s3-store $(node -p 'require(process.argv[1]).version' "$node_dir/node_modules/@tus/s3-store/package.json"): pid $node_pid on $node_base, bucket node"
	fi
}

# S3Proxy (a test dependency in the pom) on its own JVM, its filesystem-nio2 store in the
# temp dir, so that neither server under test holds the objects; buckets java and node.
s3_base=''
start_s3() {
	local cp=$tmp/s3proxy.classpath log=$tmp/s3proxy.log port
	(cd "$root" && ./mvnw -q -B -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null) ||
		fail "could not resolve S3Proxy's classpath (mvnw dependency:build-classpath)"
	port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })')
	mkdir -p "$tmp/s3"
	cat >"$tmp/s3proxy.properties" <<PROPERTIES
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
jclouds.provider=filesystem-nio2
jclouds.identity=unused
jclouds.credential=unused
jclouds.filesystem.basedir=$tmp/s3
PROPERTIES
	: >"$log"
	java -cp "$(<"$cp")" org.gaul.s3proxy.Main --properties "$tmp/s3proxy.properties" >"$log" 2>&1 &
	s3_pid=$!
	s3_base=http://127.0.0.1:$port
	local deadline=$((SECONDS + 60))
	until curl -s -o /dev/null --max-time 2 "$s3_base/"; do
		kill -0 "$s3_pid" 2>/dev/null || { tail -n 30 "$log" >&2; fail "S3Proxy exited during start-up"; }
		((SECONDS < deadline)) || fail "S3Proxy did not start within 60 s (log: $log)"
		sleep 0.2
	done
	node "$node_dir/s3.mjs" "$s3_base" create-bucket java && node "$node_dir/s3.mjs" "$s3_base" create-bucket node ||
		fail "could not create the buckets"
	say "S3Proxy: pid $s3_pid on $s3_base, filesystem-nio2 in $tmp/s3"
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
children_cpu() {
	times >"$tmp/times"
	awk 'NR == 2 {
		n = split($0, t, " ")
		s = 0
		for (i = 1; i <= n; i++) { split(t[i], p, "m"); s += p[1] * 60 + p[2] }
		print s
	}' "$tmp/times"
}

# With --profile, the samples that count start here, once: the measured rounds, not the
# warm-up and settling, when the JIT and cold paths dominate. JFR itself runs from before
# the warm-up: started later, it made HotSpot throw away its compiled code (MD5 then ran
# as plain Java, 86 % of the samples).
mark_profile() {
	[[ $profile -eq 0 || -n $profile_from ]] || profile_from=$(date +%H:%M:%S.%3N)
}

# Run the measured workload (case $1 of many.mjs, or -1: one upload of the file) against
# both servers, unmeasured, until this server's JIT settled (see --settle-runs).
settle_workload() {
	settle "$java_pid" "$settle_runs" "$settle_jit" "run(s) of the workload per server" settle_run "$1"
}

# One unmeasured run against each server: this server's JIT is measured around both,
# while it idles during the second.
settle_run() {
	local server
	for server in java node; do
		settle_run_on "$1" "$server"
	done
}

# The same requests as a measured round, verification included: a listing that first
# runs in the measured rounds has C2 compile its code during them (1.26 s of C2 in the
# run after one listing, against 0.25-0.57 s in runs without).
settle_run_on() {
	local c=$1 server=$2
	if ((c < 0)); then
		upload "$server" "$file" "$chunk"
		verify "$server" "$file_md5" >/dev/null
		discard "$server"
	else
		run_many "$server" "${case_file[c]}" "${case_chunk[c]}" "${case_uploads[c]}"
		verify_many "$server" "${case_md5[c]}" "${case_size[c]}" "${case_uploads[c]}" >/dev/null
		discard_many "$server"
	fi
}

thread_ticks() {
	local task
	for task in /proc/"$java_pid"/task/*; do
		printf '%s %s\n' "$(tr ' ' _ <"$task/comm" 2>/dev/null)" \
			"$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{ print $12, $13 }')"
	done | awk 'NF == 3 { u[$1] += $2; s[$1] += $3 } END { for (k in u) print k, u[k], s[k] }' | sort
}

thread_report() {
	local hz
	hz=$(getconf CLK_TCK)
	join -a 2 -e 0 -o 0,1.2,1.3,2.2,2.3 "$1" "$2" |
		awk -v hz="$hz" '{ u = ($4 - $2) / hz; s = ($5 - $3) / hz; if (u + s >= 0.05) printf "    %-16s user %5.2f s  sys %5.2f s\n", $1, u, s }' |
		sort -k3 -rn | awk 'NR <= 8'
}

wait_quiet() {
	local deadline=$((SECONDS + quiet_wait)) b0 b1 hz
	hz=$(getconf CLK_TCK)
	while true; do
		b0=$(busy_ticks)
		sleep 1
		b1=$(busy_ticks)
		(((b1 - b0) * 10 < hz * 2)) && return
		if ((SECONDS >= deadline)); then
			say "the machine is still busy ($(awk -v t="$((b1 - b0))" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }') CPUs); measuring anyway"
			return
		fi
	done
}

# --- one upload ---------------------------------------------------------------------
# upload SERVER FILE CHUNK: tus-js-client in its own Node process; sets upload_url, upload_ms.
upload_url=''
upload_ms=''
upload() {
	local server=$1 source=$2 piece=$3 out
	if [[ $server == java ]]; then
		out=$(node "$node_dir/upload.mjs" "$java_base/api/tus" "$source" "$piece" "$user:$password") ||
			fail "tus-js-client failed uploading to this server"
	else
		out=$(node "$node_dir/upload.mjs" "$node_base/files" "$source" "$piece") ||
			fail "tus-js-client failed uploading to @tus/server"
	fi
	[[ $out =~ \"url\":\"([^\"]+)\" ]] || fail "no url in $out"
	upload_url=${BASH_REMATCH[1]}
	[[ $out =~ \"ms\":([0-9.]+) ]] || fail "no time in $out"
	upload_ms=${BASH_REMATCH[1]}
}

# verify SERVER MD5: the stored bytes are the file's; prints yes or NO.
verify() {
	local server=$1 md5=$2 id=${upload_url##*/} stored
	if [[ $server == java ]]; then
		curl -sS -u "$user:$password" "$java_base/api/uploads/$id" >"$tmp/view"
		if [[ $store == s3 ]]; then
			# The object's key is this server's business: read it back through the server.
			if grep -q "\"md5\":\"$md5\"" "$tmp/view" && grep -q '"status":"complete"' "$tmp/view" &&
				[[ $(curl -sS -u "$user:$password" "$java_base/api/uploads/$id/content" | md5sum | cut -c1-32) == "$md5" ]]; then
				echo yes
			else
				echo NO
			fi
		elif grep -q "\"md5\":\"$md5\"" "$tmp/view" && grep -q '"status":"complete"' "$tmp/view" &&
			[[ $(find "$tmp/java-data" -path '*/uploads/*' -name "$id" -type f -exec md5sum {} + | cut -c1-32) == "$md5" ]]; then
			echo yes
		else
			echo NO
		fi
	elif [[ $store == s3 ]]; then
		# @tus/s3-store's object key is the upload id.
		if [[ $(node "$node_dir/s3.mjs" "$s3_base" md5 node "$id") == "$md5" ]]; then
			echo yes
		else
			echo NO
		fi
	else
		stored=$tmp/node-files/$id
		if [[ -f $stored && $(md5sum "$stored" | cut -c1-32) == "$md5" ]]; then
			echo yes
		else
			echo NO
		fi
	fi
}

discard() {
	local server=$1 id=${upload_url##*/}
	if [[ $server == java ]]; then
		curl -sS -u "$user:$password" -o /dev/null -X DELETE "$java_base/api/uploads/$id" || true
	elif [[ $store == s3 ]]; then
		curl -sS -o /dev/null -X DELETE -H 'Tus-Resumable: 1.0.0' "$node_base/files/$id" || true
	else
		rm -f "$tmp/node-files/$id" "$tmp/node-files/$id.json"
	fi
}

if [[ $interop -ne 0 ]]; then
	start_java
	status=0
	if [[ $interop -eq 1 ]]; then
		echo "tus-js-client, tus 1.0.0, $java_base/api/tus:"
		node "$node_dir/interop.mjs" "$java_base" "$user:$password" || status=1
	fi
	echo "tus-js-client, protocol ietf-draft-05 (interop version 6), $java_base/api/rufh:"
	node "$node_dir/rufh-interop.mjs" "$java_base" "$user:$password" || status=1
	exit "$status"
fi

# --- the file -----------------------------------------------------------------------
# random_file BYTES: sets file to a file of that many random bytes, kept in the cache dir.
random_file() {
	local bytes=$1 dir=$tmp avail
	[[ -z $cache_dir ]] || { mkdir -p "$cache_dir"; dir=$cache_dir; }
	file=$dir/random-$bytes.bin
	if [[ ! -f $file || $(stat -c %s "$file") != "$bytes" ]]; then
		avail=$(df --output=avail -B1 "$dir" | tail -n 1)
		((avail >= bytes + 268435456)) || fail "$dir has $avail bytes free: too few for a file of $bytes and 256 MiB to spare"
		say "creating $file ($bytes random bytes)"
		head -c "$bytes" /dev/urandom >"$file.tmp"
		mv -f "$file.tmp" "$file"
	fi
}
if ((many)); then
	# Each case's file (the same for all its uploads), then the warm-up's.
	case_file=()
	case_md5=()
	for ((c = 0; c < ${#case_uploads[@]}; c++)); do
		random_file "${case_size[c]}"
		case_file+=("$file")
		case_md5+=("$(md5sum "$file" | cut -c1-32)")
	done
	# One server's uploads are on the disk at a time: each run's are deleted once checked.
	need=0
	for ((c = 0; c < ${#case_uploads[@]}; c++)); do
		((case_uploads[c] * case_size[c] <= need)) || need=$((case_uploads[c] * case_size[c]))
	done
	avail=$(df --output=avail -B1 "$tmp" | tail -n 1)
	((avail >= need + 536870912)) ||
		fail "$tmp has $avail bytes free: too few for $need bytes of uploads and 512 MiB to spare (--size, --uploads)"
	# The warm-up's uploads take their bytes from the start of file: the largest case's if
	# that is large enough.
	warm_bytes=$((warmup > warmup_requests * 16384 ? warmup : warmup_requests * 16384))
	largest=0
	for ((c = 1; c < ${#case_uploads[@]}; c++)); do
		((case_size[c] <= case_size[largest])) || largest=$c
	done
	if ((case_size[largest] >= warm_bytes)); then
		file=${case_file[largest]}
	else
		random_file "$warm_bytes"
	fi
else
	random_file "$size"
	file_md5=$(md5sum "$file" | cut -c1-32)
fi

# --- measurements -------------------------------------------------------------------
# With --store s3 a column more: S3Proxy's CPU seconds during the upload.
format_row() {
	if [[ $store == s3 ]]; then
		printf '%-6s %-12s %8s %8s %7s %6s %6s %6s %6s %-6s' "$@"
	else
		printf '%-6s %-12s %8s %8s %7s %6s %6s %6s %-6s' "$@"
	fi
}
if [[ $store == s3 ]]; then
	header=$(format_row round server 'MB/s' 'MiB/s' 'ms/chk' 'srv s' 's3 s' 'cli s' 'other' 'md5 ok')
else
	header=$(format_row round server 'MB/s' 'MiB/s' 'ms/chk' 'srv s' 'cli s' 'other' 'md5 ok')
fi
rows=()
declare -A mbs
declare -A others
busy=0
measure() {
	local round=$1 server=$2 pid cpu0 cpu1 busy0 busy1 client0 client1 hz cpu_s client_s other_s other_cpus s30=0 s31=0 s3_s=0
	[[ $server == java ]] && pid=$java_pid || pid=$node_pid
	cat "$file" >/dev/null
	wait_quiet
	[[ $profile -eq 0 || $server != java ]] || thread_ticks >"$tmp/threads0"
	cpu0=$(cpu_ticks "$pid")
	[[ -z $s3_pid ]] || s30=$(cpu_ticks "$s3_pid")
	busy0=$(busy_ticks)
	children_cpu >"$tmp/client0"
	client0=$(<"$tmp/client0")
	upload "$server" "$file" "$chunk"
	cpu1=$(cpu_ticks "$pid")
	[[ -z $s3_pid ]] || s31=$(cpu_ticks "$s3_pid")
	busy1=$(busy_ticks)
	children_cpu >"$tmp/client1"
	client1=$(<"$tmp/client1")
	[[ $profile -eq 0 || $server != java ]] || thread_ticks >"$tmp/threads1"
	local ok
	ok=$(verify "$server" "$file_md5")
	discard "$server"
	hz=$(getconf CLK_TCK)
	cpu_s=$(awk -v t="$((cpu1 - cpu0))" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }')
	client_s=$(awk -v a="$client0" -v b="$client1" 'BEGIN { printf "%.1f", b - a }')
	s3_s=$(awk -v t="$((s31 - s30))" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }')
	other_s=$(awk -v t="$((busy1 - busy0))" -v hz="$hz" -v s="$cpu_s" -v c="$client_s" -v p="$s3_s" \
		'BEGIN { x = t / hz - s - c - p; printf "%.1f", (x < 0) ? 0 : x }')
	other_cpus=$(awk -v o="$other_s" -v ms="$upload_ms" 'BEGIN { printf "%.2f", o / (ms / 1e3) }')
	busy=$(awk -v x="$other_cpus" 'BEGIN { print (x > 0.25) ? 1 : 0 }')
	local mb label=$server run=$round
	mb=$(rate "$size" "$upload_ms" 1e6)
	[[ $server == java ]] && label='this server' || label='@tus/server'
	[[ $busy -eq 0 ]] || run+='*'
	# Of several attempts, the ratios use the least disturbed one.
	if [[ -z ${others[$round,$server]:-} ]] || awk -v a="$other_cpus" -v b="${others[$round,$server]}" 'BEGIN { exit !(a < b) }'; then
		mbs[$round,$server]=$mb
		others[$round,$server]=$other_cpus
	fi
	local row per_chunk
	per_chunk=$(awk -v ms="$upload_ms" -v n="$(((size + chunk - 1) / chunk))" 'BEGIN { printf "%.1f", ms / n }')
	if [[ $store == s3 ]]; then
		row=$(format_row "$run" "$label" "$mb" "$(rate "$size" "$upload_ms" 1048576)" "$per_chunk" \
			"$cpu_s" "$s3_s" "$client_s" "$other_cpus" "$ok")
	else
		row=$(format_row "$run" "$label" "$mb" "$(rate "$size" "$upload_ms" 1048576)" "$per_chunk" \
			"$cpu_s" "$client_s" "$other_cpus" "$ok")
	fi
	rows+=("$row")
	echo "$row"
	[[ $ok == yes ]] || fail "the stored file of that upload is not the file that was sent"
	if [[ $profile -eq 1 && $server == java ]]; then
		echo "  this server's threads during the upload:"
		thread_report "$tmp/threads0" "$tmp/threads1"
	fi
}

warm_up() {
	local server=$1
	if ((warmup > 0)); then
		[[ -f $tmp/warmup.bin ]] || head -c "$warmup" "$file" >"$tmp/warmup.bin"
		upload "$server" "$tmp/warmup.bin" "$chunk"
		discard "$server"
	fi
	local requests=$warmup_requests
	# @tus/s3-store keeps the bytes after the last full part as an object that every PATCH
	# downloads, extends and uploads again: thousands of 16 KiB chunks cost it hours, not
	# compilation. V8 compiles its hot code within a few hundred requests.
	[[ $store == file || $server == java ]] || ((requests <= 200)) || requests=200
	if ((requests > 0)); then
		head -c "$((requests * 16384))" "$file" >"$tmp/requests.bin"
		upload "$server" "$tmp/requests.bin" 16384
		discard "$server"
	fi
}

# --- several uploads at once (--uploads > 1, --preset) ---------------------------------
human() {
	awk -v b="$1" 'BEGIN {
		if (b % 1073741824 == 0) printf "%d GiB", b / 1073741824
		else if (b % 1048576 == 0) printf "%d MiB", b / 1048576
		else if (b % 1024 == 0) printf "%d KiB", b / 1024
		else printf "%d bytes", b
	}'
}
# The chunks (PATCH requests) of one run of case C.
case_chunks() { echo $((case_uploads[$1] * ((case_size[$1] + case_chunk[$1] - 1) / case_chunk[$1]))); }
case_label() {
	local c=$1
	if ((case_uploads[c] == 1)); then
		printf '1 x %s, %s chunks' "$(human "${case_size[c]}")" "$(human "${case_chunk[c]}")"
	else
		printf '%s x %s, %s chunks' "${case_uploads[c]}" "$(human "${case_size[c]}")" "$(human "${case_chunk[c]}")"
	fi
}
case_title() {
	local c=$1
	if ((case_uploads[c] == 1)); then
		printf 'one upload of %s (%s bytes)' "$(human "${case_size[c]}")" "${case_size[c]}"
	else
		printf '%s uploads at once, %s (%s bytes) each' "${case_uploads[c]}" "$(human "${case_size[c]}")" "${case_size[c]}"
	fi
	printf ', chunkSize %s: %s chunks per run' "$(human "${case_chunk[c]}")" "$(case_chunks "$c")"
}
label_of() { if [[ $1 == java ]]; then echo 'this server'; else echo '@tus/server'; fi; }

# What went wrong, from the server's side.
log_tail() {
	local log=$tmp/java.log
	[[ $1 == java ]] || log=$tmp/node.log
	say "the last lines of $(label_of "$1")'s log ($log):"
	tail -n 20 "$log" >&2
}

# run_many SERVER FILE CHUNK N: N uploads of FILE at once with many.mjs in its own Node
# process; sets many_json (its line of JSON); the uploads' URLs are in $tmp/urls, their
# ids in $tmp/ids.
many_json=''
run_many() {
	local server=$1 source=$2 piece=$3 n=$4 endpoint credentials=()
	if [[ $server == java ]]; then
		endpoint=$java_base/api/tus
		credentials=("$user:$password")
	else
		endpoint=$node_base/files
	fi
	if ! many_json=$(node "$node_dir/many.mjs" "$endpoint" "$source" "$piece" "$n" "${credentials[@]}" --urls "$tmp/urls" 2>"$tmp/many.err"); then
		[[ -z $many_json ]] || say "many.mjs: $many_json"
		cat "$tmp/many.err" >&2
		log_tail "$server"
		fail "tus-js-client failed uploading to $(label_of "$server") ($n uploads at once)"
	fi
	sed 's#.*/##' "$tmp/urls" >"$tmp/ids"
}

# json_number NAME: the number NAME in many_json.
json_number() {
	[[ $many_json =~ \"$1\":([0-9.]+) ]] || fail "no $1 in $many_json"
	json_value=${BASH_REMATCH[1]}
}

# verify_many SERVER MD5 BYTES N: prints K/N, K the uploads of the last run whose stored
# file is the file that was sent; 0/N when anything else is stored.
verify_many() {
	local server=$1 md5=$2 bytes=$3 n=$4 listed=$4 stored
	if [[ $server == java ]]; then
		# What this server records: each upload complete, with the file's length and MD5,
		# and no other complete upload (the earlier runs' were deleted).
		curl -sS -u "$user:$password" "$java_base/api/uploads?status=complete" >"$tmp/listing" || true
		listed=$(node -e '
			const fs = require("fs")
			const [listing, ids, md5, size] = process.argv.slice(1)
			const want = new Set(fs.readFileSync(ids, "utf8").split("\n").filter(Boolean))
			let list = []
			try { list = JSON.parse(fs.readFileSync(listing, "utf8")) } catch {}
			if (!Array.isArray(list)) list = []
			const good = list.filter((u) => want.has(u.upload_id) && u.status === "complete" && u.md5 === md5 &&
				u.offset === Number(size) && u.size === Number(size)).length
			console.log(list.length > good ? 0 : good)' "$tmp/listing" "$tmp/ids" "$md5" "$bytes")
		# What it stored: a file per upload under uploads/, named by the upload id.
		find "$tmp/java-data" -path '*/uploads/*' -type f -exec md5sum {} + >"$tmp/stored"
	else
		# FileStore: a file per upload named by its id, beside its .json.
		find "$tmp/node-files" -maxdepth 1 -type f ! -name '*.json' -exec md5sum {} + >"$tmp/stored"
	fi
	stored=$(awk -v md5="$md5" 'NR == FNR { want[$1] = 1; next }
		{ k = split($2, p, "/"); if ($1 == md5 && (p[k] in want)) good++; else bad++ }
		END { print bad ? 0 : good + 0 }' "$tmp/ids" "$tmp/stored")
	echo "$((listed < stored ? listed : stored))/$n"
}

# discard_many SERVER: deletes the last run's uploads.
discard_many() {
	local server=$1 id
	if [[ $server == java ]]; then
		while read -r id; do
			printf 'url = "%s/api/uploads/%s"\noutput = "/dev/null"\n' "$java_base" "$id"
		done <"$tmp/ids" >"$tmp/delete.curl"
		curl -sS -u "$user:$password" -X DELETE -w '%{http_code}\n' -K "$tmp/delete.curl" >"$tmp/deleted" || true
		grep -qv '^204$' "$tmp/deleted" && say "this server answered a DELETE with $(grep -v '^204$' "$tmp/deleted" | sort | uniq -c | tr -s ' ')"
	else
		while read -r id; do
			rm -f "$tmp/node-files/$id" "$tmp/node-files/$id.json"
		done <"$tmp/ids"
	fi
	return 0
}

format_many_row() { printf '%-6s %-12s %8s %9s %8s %8s %8s %6s %6s %6s %6s %-9s' "$@"; }
many_header=$(format_many_row round server 'MB/s' 'chunks/s' 'p50 ms' 'p99 ms' 'max ms' conns 'srv s' 'cli s' other verified)
declare -A best
declare -a many_rows
# measure_many CASE ROUND SERVER: one run of the case against one server.
measure_many() {
	local c=$1 round=$2 server=$3 n=${case_uploads[$1]} bytes=${case_size[$1]} piece=${case_chunk[$1]}
	local pid cpu0 cpu1 busy0 busy1 client0 client1 hz cpu_s client_s other_s other_cpus ok
	local mb cps p50 p99 max conns chunks_sent json_value t0 t1
	[[ $server == java ]] && pid=$java_pid || pid=$node_pid
	cat "${case_file[c]}" >/dev/null
	wait_quiet
	[[ $profile -eq 0 || $server != java ]] || thread_ticks >"$tmp/threads0"
	cpu0=$(cpu_ticks "$pid")
	busy0=$(busy_ticks)
	children_cpu >"$tmp/client0"
	client0=$(<"$tmp/client0")
	t0=$(now_ns)
	run_many "$server" "${case_file[c]}" "$piece" "$n"
	t1=$(now_ns)
	cpu1=$(cpu_ticks "$pid")
	busy1=$(busy_ticks)
	children_cpu >"$tmp/client1"
	client1=$(<"$tmp/client1")
	[[ $profile -eq 0 || $server != java ]] || thread_ticks >"$tmp/threads1"
	ok=$(verify_many "$server" "${case_md5[c]}" "$bytes" "$n")
	discard_many "$server"
	json_number mb_per_s; mb=$(awk -v x="$json_value" 'BEGIN { printf "%.1f", x }')
	json_number chunks_per_s; cps=$(awk -v x="$json_value" 'BEGIN { printf "%.1f", x }')
	json_number p50_ms; p50=$(awk -v x="$json_value" 'BEGIN { printf "%.2f", x }')
	json_number p99_ms; p99=$(awk -v x="$json_value" 'BEGIN { printf "%.2f", x }')
	json_number max_ms; max=$(awk -v x="$json_value" 'BEGIN { printf "%.2f", x }')
	json_number connections; conns=$json_value
	json_number chunks; chunks_sent=$json_value
	((chunks_sent == $(case_chunks "$c"))) ||
		say "$(label_of "$server"): $chunks_sent PATCH requests answered, $(case_chunks "$c") expected"
	hz=$(getconf CLK_TCK)
	cpu_s=$(awk -v t="$((cpu1 - cpu0))" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }')
	client_s=$(awk -v a="$client0" -v b="$client1" 'BEGIN { printf "%.1f", b - a }')
	other_s=$(awk -v t="$((busy1 - busy0))" -v hz="$hz" -v s="$cpu_s" -v c="$client_s" \
		'BEGIN { x = t / hz - s - c; printf "%.1f", (x < 0) ? 0 : x }')
	# Per second of the whole interval measured, the Node process's start included (a run
	# of small uploads may take less time than that).
	other_cpus=$(awk -v o="$other_s" -v ns="$((t1 - t0))" 'BEGIN { printf "%.2f", o / (ns / 1e9) }')
	busy=$(awk -v x="$other_cpus" 'BEGIN { print (x > 0.25) ? 1 : 0 }')
	local run=$round
	[[ $busy -eq 0 ]] || run+='*'
	# Of several attempts, the medians use the least disturbed one.
	if [[ -z ${best[$c,$round,$server,other]:-} ]] ||
		awk -v a="$other_cpus" -v b="${best[$c,$round,$server,other]}" 'BEGIN { exit !(a < b) }'; then
		best[$c,$round,$server,other]=$other_cpus
		best[$c,$round,$server,mbs]=$mb
		best[$c,$round,$server,cps]=$cps
		best[$c,$round,$server,p50]=$p50
		best[$c,$round,$server,p99]=$p99
	fi
	local row
	row=$(format_many_row "$run" "$(label_of "$server")" "$mb" "$cps" "$p50" "$p99" "$max" "$conns" \
		"$cpu_s" "$client_s" "$other_cpus" "$ok")
	many_rows[c]+="$row"$'\n'
	echo "$row"
	[[ $ok == "$n/$n" ]] || fail "of the $n uploads to $(label_of "$server"), $ok stored the file that was sent (log: $tmp)"
	if [[ $profile -eq 1 && $server == java ]]; then
		echo "  this server's threads during the run:"
		thread_report "$tmp/threads0" "$tmp/threads1"
	fi
}

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# case_medians CASE INDENT: per metric, both servers' medians over the rounds and the ratio.
case_medians() {
	local c=$1 indent=$2 metric name note java_values node_values j s round
	for metric in mbs cps p50 p99; do
		java_values=()
		node_values=()
		for ((round = 1; round <= rounds; round++)); do
			java_values+=("${best[$c,$round,java,$metric]}")
			node_values+=("${best[$c,$round,node,$metric]}")
		done
		j=$(median "${java_values[@]}")
		s=$(median "${node_values[@]}")
		note=''
		case $metric in
		mbs) name='MB/s'; [[ $preset != many ]] || note='  (target >= 1.2)' ;;
		cps) name='chunks/s' ;;
		p50) name='p50 ms'; note='  (lower is better)' ;;
		p99) name='p99 ms'; note='  (lower is better)' ;;
		esac
		printf '%-*s%-10s %12.2f %12.2f %9s%s\n' "$indent" '' "$name" "$j" "$s" \
			"$(awk -v a="$j" -v b="$s" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" "$note"
	done
}

many_warm_up() {
	local c=$1 server=$2 piece=${case_chunk[$1]} bytes
	# Opens the case's connections and starts the request threads they need, unmeasured.
	bytes=$((2 * piece < case_size[c] ? 2 * piece : case_size[c]))
	head -c "$bytes" "${case_file[c]}" >"$tmp/warm-many.bin"
	run_many "$server" "$tmp/warm-many.bin" "$piece" "${case_uploads[c]}"
	discard_many "$server"
}

measure_cases() {
	local c round order server again
	for ((c = 0; c < ${#case_uploads[@]}; c++)); do
		echo
		echo "Case $((c + 1)) of ${#case_uploads[@]}: $(case_title "$c")"
		if ((warmup > 0 && case_uploads[c] > 1)); then
			many_warm_up "$c" java
			many_warm_up "$c" node
		fi
		settle_workload "$c"
		mark_profile
		echo "$many_header"
		for ((round = 1; round <= rounds; round++)); do
			# Alternate which server goes first, so neither always gets the warmer machine.
			if ((round % 2 == 1)); then order='java node'; else order='node java'; fi
			for server in $order; do
				measure_many "$c" "$round" "$server"
				for ((again = 0; busy == 1 && again < busy_retries; again++)); do
					say "other work used the CPUs during that run: measuring again"
					measure_many "$c" "$round" "$server"
				done
			done
		done
		echo "Medians of $rounds round(s), each round's least disturbed attempt:"
		printf '%-10s %12s %12s %9s\n' '' 'this server' '@tus/server' 'this/peer'
		case_medians "$c" 0
	done
}

summary_many() {
	local c log_errors
	echo
	echo "Summary: tus-js-client uploads at once in one Node process (bench/tus/many.mjs), to this server"
	echo "(fsync $fsync, HTTP Basic) and to @tus/server with FileStore; MB = 10^6 bytes; MB/s and chunks/s:"
	echo "all the uploads' bytes and PATCH requests / wall time from the first start() to the last"
	echo "onSuccess; p50, p99, max: PATCH latency (request start to its answer) in ms; conns: TCP"
	echo "connections used; srv s, cli s: CPU seconds of the server and of the Node client; other: CPUs"
	echo "the rest of the machine used meanwhile (run* = disturbed, measured again); verified: uploads"
	echo "whose stored file is the file sent"
	for ((c = 0; c < ${#case_uploads[@]}; c++)); do
		echo
		case_title "$c"
		echo
		echo "$many_header"
		printf '%s' "${many_rows[c]}"
	done
	echo
	echo "Medians of $rounds round(s), each round's least disturbed attempt; ratio = this server / @tus/server:"
	printf '%-33s %-10s %12s %12s %9s\n' case metric 'this server' '@tus/server' 'this/peer'
	for ((c = 0; c < ${#case_uploads[@]}; c++)); do
		printf '%-33s ' "$(case_label "$c")"
		case_medians "$c" 34 | sed '1s/^ \{34\}//'
	done
	# What the servers logged once started (this server logs a WARN about Flyway and H2 at
	# start-up; @tus/server only its port).
	tail -n +"$((java_log_lines + 1))" "$tmp/java.log" | grep -E '^[^ ]+ +(ERROR|WARN) ' >"$tmp/java.warnings" || true
	log_errors=$(wc -l <"$tmp/java.warnings")
	echo
	echo "Since start-up: $log_errors WARN or ERROR lines in this server's log, $(($(wc -l <"$tmp/node.log") - 1)) lines in @tus/server's"
	if ((log_errors > 0)); then
		cut -c1-220 "$tmp/java.warnings" | sed 's/^[^ ]* *//' | sort | uniq -c | sort -rn | awk 'NR <= 5'
	fi
	if (($(wc -l <"$tmp/node.log") > 1)); then
		tail -n +2 "$tmp/node.log" | cut -c1-220 | sort | uniq -c | sort -rn | awk 'NR <= 5'
	fi
}

if ((many)); then
	say "$(nproc) CPUs; node $(node --version); tus-js-client $(node -p 'require(process.argv[1]).version' "$node_dir/node_modules/tus-js-client/package.json"); $(java -version 2>&1 | sed -n 1p)"
else
	say "file $file: $size bytes, md5 $file_md5; chunkSize $chunk; $(nproc) CPUs; node $(node --version); tus-js-client $(node -p 'require(process.argv[1]).version' "$node_dir/node_modules/tus-js-client/package.json"); $(java -version 2>&1 | sed -n 1p)"
fi
if [[ $store == s3 ]]; then
	# For S3Proxy, this server (the AWS SDK's default chain) and @tus/s3-store alike.
	export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
	# The AWS SDK for JavaScript warns on every start that node 20 will not get its 2027 releases.
	export NODE_NO_WARNINGS=1
	start_s3
fi
start_java
java_log_lines=$(wc -l <"$tmp/java.log")
start_node
profile_from=''
if [[ $profile -eq 1 ]]; then
	jcmd "$java_pid" JFR.start name=bench settings=${BENCH_JFR_SETTINGS:-profile} filename="$tmp/tus.jfr" >/dev/null
fi
say "warming up both servers (${warmup} bytes, then ${warmup_requests} chunks of 16 KiB each)"
warm_up java
warm_up node
if ((many)); then
	measure_cases
else
	settle_workload -1
	mark_profile
	echo "$header"
	for ((round = 1; round <= rounds; round++)); do
		# Alternate which server goes first, so neither always gets the warmer page cache.
		if ((round % 2 == 1)); then order='java node'; else order='node java'; fi
		for server in $order; do
			measure "$round" "$server"
			for ((again = 0; busy == 1 && again < busy_retries; again++)); do
				say "other work used the CPUs during that upload: measuring again"
				measure "$round" "$server"
			done
		done
	done
fi
if [[ $profile -eq 1 ]]; then
	jcmd "$java_pid" JFR.stop name=bench >/dev/null
	# startTime is the local time of day, as date prints it (a run past midnight would
	# count the samples after midnight only).
	jfr print --events jdk.ExecutionSample "$tmp/tus.jfr" |
		awk -v from="$profile_from" '/startTime = / { t = $3 }
			/stackTrace = \[/ { getline; if (t >= from) { sub(/line:.*/, ""); gsub(/^[ \t]+/, ""); print } }' >"$tmp/top-frames"
	echo "Hottest frames of this server during the measured rounds (JFR execution samples, top of stack):"
	sort "$tmp/top-frames" | uniq -c | sort -rn | awk 'NR <= 15'
	echo "The same samples by package of the top frame (three levels; self time, not the callers'):"
	sed -E 's/\(.*//; s/\.[^.]*$//; s/\$.*//' "$tmp/top-frames" | awk -F. '{ print $1 "." $2 "." $3 }' |
		sort | uniq -c | sort -rn | awk -v all="$(wc -l <"$tmp/top-frames")" 'NR <= 15 { printf "%7d %5.1f %%  %s\n", $1, 100 * $1 / all, $2 }'
fi
if ((many)); then
	summary_many
	exit 0
fi

echo
if [[ $store == s3 ]]; then
	echo "Summary: $size bytes, tus-js-client chunkSize $chunk, this server on its S3 store with HTTP Basic,"
	echo "@tus/server with @tus/s3-store, both against one S3Proxy (filesystem-nio2); MB = 10^6 bytes;"
	echo "srv s, s3 s, cli s = CPU seconds of the server, of S3Proxy and of tus-js-client's process during"
	echo "the upload; other = CPUs the rest of the machine used meanwhile (run* = disturbed, measured again)"
else
	echo "Summary: $size bytes, tus-js-client chunkSize $chunk, this server with fsync $fsync and HTTP Basic;"
	echo "MB = 10^6 bytes; srv s, cli s = CPU seconds of the server and of tus-js-client's process during the"
	echo "upload; other = CPUs the rest of the machine used meanwhile (run* = disturbed, measured again)"
fi
echo "$header"
printf '%s\n' "${rows[@]}"
echo
echo "(per round, the least disturbed attempt of each server)"
[[ $store == s3 ]] && target=1.00 || target=1.10
printf '%-6s %12s %12s %7s\n' round 'this server' '@tus/server' ratio
for ((round = 1; round <= rounds; round++)); do
	printf '%-6s %12s %12s %7s\n' "$round" "${mbs[$round,java]}" "${mbs[$round,node]}" \
		"$(awk -v a="${mbs[$round,java]}" -v b="${mbs[$round,node]}" 'BEGIN { printf "%.2f", a / b }')"
done
awk -v n="$rounds" "BEGIN { $(for ((round = 1; round <= rounds; round++)); do printf 'j += %s; s += %s; ' "${mbs[$round,java]}" "${mbs[$round,node]}"; done) printf \"%-6s %12.1f %12.1f %7.2f   (target >= %s)\\n\", \"mean\", j / n, s / n, j / s, \"$target\" }"
for ((round = 1; round <= rounds; round++)); do
	awk -v a="${mbs[$round,java]}" -v b="${mbs[$round,node]}" 'BEGIN { printf "%.4f\n", a / b }'
done | sort -n | awk '{ r[NR] = $1 } END { m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2; printf "%-6s %12s %12s %7.2f   (of the rounds'"'"' ratios)\n", "median", "", "", m }'
