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
  --size BYTES             file size                           [BENCH_SIZE, 1073741824]
  --chunk BYTES            tus-js-client chunkSize             [BENCH_CHUNK, 8388608]
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
  --cache DIR              where the random file is kept for reuse; '' = temp dir only
                                                                [BENCH_CACHE_DIR, /tmp/bench-cache]
  --quiet-wait SECONDS     before each upload, wait at most this long for the machine
                           to be idle                            [BENCH_QUIET_WAIT, 60]
  --busy-retries N         measure an upload again, at most N times, when other work
                           took over 0.25 CPU during it (marked *); the ratios use the
                           least disturbed attempt             [BENCH_BUSY_RETRIES, 2]
  --profile                this server's threads' CPU per upload, and a JFR profile's
                           hottest frames at the end              [BENCH_PROFILE=1]
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

Also BENCH_JAVA_OPTS: extra JVM options for this server. Needs node >= 20.19 and npm
(the first run installs bench/tus/node_modules with npm ci).
MB = 10^6 bytes. The target: this server (fsync on) >= 0.8 x @tus/server.
EOF
}

rounds=${BENCH_ROUNDS:-3}
size=${BENCH_SIZE:-1073741824}
chunk=${BENCH_CHUNK:-8388608}
fsync=${BENCH_FSYNC:-on}
store=${BENCH_STORE:-file}
warmup=${BENCH_WARMUP:-536870912}
warmup_requests=${BENCH_WARMUP_REQUESTS:-6000}
cache_dir=${BENCH_CACHE_DIR-/tmp/bench-cache}
quiet_wait=${BENCH_QUIET_WAIT:-60}
busy_retries=${BENCH_BUSY_RETRIES:-2}
profile=${BENCH_PROFILE:-0}
keep=0
interop=0

while [[ $# -gt 0 ]]; do
	case $1 in
	--rounds) rounds=$2; shift ;;
	--size) size=$2; shift ;;
	--chunk) chunk=$2; shift ;;
	--fsync) fsync=$2; shift ;;
	--store) store=$2; shift ;;
	--warmup) warmup=$2; shift ;;
	--warmup-requests) warmup_requests=$2; shift ;;
	--cache) cache_dir=$2; shift ;;
	--quiet-wait) quiet_wait=$2; shift ;;
	--busy-retries) busy_retries=$2; shift ;;
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
for number in "$rounds" "$size" "$chunk" "$warmup" "$warmup_requests" "$quiet_wait" "$busy_retries"; do
	[[ $number =~ ^[0-9]+$ ]] || { echo "$prog: not a number: $number" >&2; exit 2; }
done
((rounds >= 1 && size >= 1 && chunk >= 1)) || { echo "$prog: rounds, size and chunk must be positive" >&2; exit 2; }
((warmup <= size)) || warmup=$size

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
	local files=$tmp/node-files log=$tmp/node.log port=''
	mkdir -p "$files"
	: >"$log"
	if [[ $store == file ]]; then
		node "$node_dir/tus-server.mjs" "$files" >"$log" 2>&1 &
	else
		node "$node_dir/tus-server.mjs" --s3 "$s3_base" node >"$log" 2>&1 &
	fi
	node_pid=$!
	local deadline=$((SECONDS + 30))
	while [[ -z $port ]]; do
		kill -0 "$node_pid" 2>/dev/null || { cat "$log" >&2; fail "@tus/server exited during start-up"; }
		((SECONDS < deadline)) || fail "@tus/server did not start within 30 s (log: $log)"
		port=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$log")
		[[ -n $port ]] || sleep 0.1
	done
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
if [[ -n $cache_dir ]]; then
	mkdir -p "$cache_dir"
	file=$cache_dir/random-$size.bin
else
	file=$tmp/random-$size.bin
fi
if [[ ! -f $file || $(stat -c %s "$file") != "$size" ]]; then
	say "creating $file ($size random bytes)"
	head -c "$size" /dev/urandom >"$file.tmp"
	mv -f "$file.tmp" "$file"
fi
file_md5=$(md5sum "$file" | cut -c1-32)

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

say "file $file: $size bytes, md5 $file_md5; chunkSize $chunk; $(nproc) CPUs; node $(node --version); tus-js-client $(node -p 'require(process.argv[1]).version' "$node_dir/node_modules/tus-js-client/package.json"); $(java -version 2>&1 | sed -n 1p)"
if [[ $store == s3 ]]; then
	# For S3Proxy, this server (the AWS SDK's default chain) and @tus/s3-store alike.
	export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
	# The AWS SDK for JavaScript warns on every start that node 20 will not get its 2027 releases.
	export NODE_NO_WARNINGS=1
	start_s3
fi
start_java
start_node
if [[ $profile -eq 1 ]]; then
	jcmd "$java_pid" JFR.start name=bench settings=profile filename="$tmp/tus.jfr" >/dev/null
fi
say "warming up both servers (${warmup} bytes, then ${warmup_requests} chunks of 16 KiB each)"
warm_up java
warm_up node
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
if [[ $profile -eq 1 ]]; then
	jcmd "$java_pid" JFR.stop name=bench >/dev/null
	echo "Hottest frames of this server (JFR execution samples, top of stack):"
	jfr print --events jdk.ExecutionSample "$tmp/tus.jfr" |
		awk '/stackTrace = \[/ { getline; sub(/line:.*/, ""); gsub(/^[ \t]+/, ""); print }' |
		sort | uniq -c | sort -rn | awk 'NR <= 15'
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
[[ $store == s3 ]] && target=1.00 || target=0.80
printf '%-6s %12s %12s %7s\n' round 'this server' '@tus/server' ratio
for ((round = 1; round <= rounds; round++)); do
	printf '%-6s %12s %12s %7s\n' "$round" "${mbs[$round,java]}" "${mbs[$round,node]}" \
		"$(awk -v a="${mbs[$round,java]}" -v b="${mbs[$round,node]}" 'BEGIN { printf "%.2f", a / b }')"
done
awk -v n="$rounds" "BEGIN { $(for ((round = 1; round <= rounds; round++)); do printf 'j += %s; s += %s; ' "${mbs[$round,java]}" "${mbs[$round,node]}"; done) printf \"%-6s %12.1f %12.1f %7.2f   (target >= %s)\\n\", \"mean\", j / n, s / n, j / s, \"$target\" }"
for ((round = 1; round <= rounds; round++)); do
	awk -v a="${mbs[$round,java]}" -v b="${mbs[$round,node]}" 'BEGIN { printf "%.4f\n", a / b }'
done | sort -n | awk '{ r[NR] = $1 } END { m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2; printf "%-6s %12s %12s %7.2f   (of the rounds'"'"' ratios)\n", "median", "", "", m }'
