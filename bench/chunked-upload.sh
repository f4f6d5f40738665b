#!/usr/bin/env bash
# Upload throughput of the django-chunked-upload protocol on loopback, measured beside
# md5sum and dd on the same machine in the same run. See bench/README.md.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar=$root/target/chunked-upload-server-0.1.0-SNAPSHOT.jar

usage() {
	cat <<EOF
Usage: $prog [options]

Starts the server on a free loopback port with a temporary data dir, uploads a random
file in chunks with curl (raw octet-stream bodies), completes it, and prints the upload
rate beside md5sum's rate on the same file (page cache) and dd's fdatasync write rate,
measured in the same run. One server per fsync setting; a warm-up upload first.

Options (environment variable in brackets):
  --fsync on|off|both      server fsync setting(s)              [BENCH_FSYNC, both]
  --runs N                 measured runs per setting and client [BENCH_RUNS, 2]
  --client C               percurl: one curl process per chunk (as scripts/upload.sh);
                           keepalive: one curl process, one connection, --next per chunk;
                           split: as keepalive, but curl reads chunk files cut before
                           the clock starts (no dd or FIFO: less client CPU on the
                           two cores the server shares); all: the three
                           rawfiles: one curl process per chunk, reading the chunk
                           file cut before the clock starts (raw body, -T);
                           multipart: the same with the chunk as a multipart form
                           field (curl -F, what jQuery-File-Upload sends by default);
                           forms: rawfiles and multipart, alternating, to compare them
                           both: percurl and keepalive          [BENCH_CLIENT, all]
  --auth basic|session     basic: HTTP Basic on every request (the protocol's way);
                           session: log in once with the form, then a session cookie
                           and CSRF header (diagnostic: no password check per chunk)
                                                                [BENCH_AUTH, basic]
  --size BYTES             file size                           [BENCH_SIZE, 1073741824]
  --chunk BYTES            chunk size                          [BENCH_CHUNK, 8388608]
  --warmup BYTES           warm-up upload, not measured (0: none) [BENCH_WARMUP, 536870912]
  --warmup-requests N      then N small chunks over one connection, not measured, so the
                           JIT has compiled the per-request code too (a 1 GiB upload is
                           only 128 requests) (0: none)    [BENCH_WARMUP_REQUESTS, 3000]
  --settle-runs N           then, per fsync setting, upload the file once with each
                           client, unmeasured, until the server's JIT compiler threads
                           used at most --settle-jit of its CPU during two such rounds
                           in a row, at most N rounds: HotSpot goes on recompiling for
                           several GiB after the warm-up, and a long-running server is
                           measured at its steady state (0: none)  [BENCH_SETTLE_RUNS, 20]
  --settle-jit PERCENT     the JIT's share of the server's CPU that counts as settled
                                                                   [BENCH_SETTLE_JIT, 5]
  --sink                   after every measured upload, the same client uploads the
                           file again to bench/sink.mjs (Node), a server that reads
                           each chunk and throws it away: what the client reaches
                           without any server work, on the same cores in the same run
                           (columns sink MB/s and /sink)          [BENCH_SINK=1]
  --cache DIR              where the random file is kept for reuse; '' = temp dir only
                                                                [BENCH_CACHE_DIR, /tmp/bench-cache]
  --profile                per upload, the server threads' CPU time; per server, a JFR
                           profile's hottest frames                [BENCH_PROFILE=1]
  --quiet-wait SECONDS     before each measurement, wait at most this long for the
                           machine to be idle (other jobs share the CPUs) [BENCH_QUIET_WAIT, 60]
  --busy-retries N         measure a row again, at most N times, when other work took
                           over 0.25 CPU during its upload (row marked *) [BENCH_BUSY_RETRIES, 2]
  --keep                   keep the temp dir (logs, data)
  -h, --help               this help

Also BENCH_JAVA_OPTS: extra JVM options for the server.
MB = 10^6 bytes, MiB = 2^20 bytes. The target (fsync on): upload >= 0.7 x min(md5sum, dd)
and completion < 100 ms.
EOF
}

fsync_modes=${BENCH_FSYNC:-both}
runs=${BENCH_RUNS:-2}
clients=${BENCH_CLIENT:-all}
auth_mode=${BENCH_AUTH:-basic}
size=${BENCH_SIZE:-1073741824}
chunk=${BENCH_CHUNK:-8388608}
warmup=${BENCH_WARMUP:-536870912}
warmup_requests=${BENCH_WARMUP_REQUESTS:-3000}
settle_runs=${BENCH_SETTLE_RUNS:-20}
settle_jit=${BENCH_SETTLE_JIT:-5}
cache_dir=${BENCH_CACHE_DIR-/tmp/bench-cache}
profile=${BENCH_PROFILE:-0}
sink=${BENCH_SINK:-0}
busy_retries=${BENCH_BUSY_RETRIES:-2}
quiet_wait=${BENCH_QUIET_WAIT:-60}
keep=0

while [[ $# -gt 0 ]]; do
	case $1 in
	--fsync) fsync_modes=$2; shift ;;
	--runs) runs=$2; shift ;;
	--client) clients=$2; shift ;;
	--auth) auth_mode=$2; shift ;;
	--size) size=$2; shift ;;
	--chunk) chunk=$2; shift ;;
	--warmup) warmup=$2; shift ;;
	--warmup-requests) warmup_requests=$2; shift ;;
	--settle-runs) settle_runs=$2; shift ;;
	--settle-jit) settle_jit=$2; shift ;;
	--cache) cache_dir=$2; shift ;;
	--profile) profile=1 ;;
	--sink) sink=1 ;;
	--busy-retries) busy_retries=$2; shift ;;
	--quiet-wait) quiet_wait=$2; shift ;;
	--keep) keep=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "$prog: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
case $fsync_modes in both) fsync_modes='on off' ;; on | off) ;; *) echo "$prog: --fsync on|off|both" >&2; exit 2 ;; esac
case $clients in both) clients='percurl keepalive' ;; all) clients='percurl keepalive split' ;; forms) clients='rawfiles multipart' ;; percurl | keepalive | split | rawfiles | multipart) ;; *) echo "$prog: --client percurl|keepalive|split|rawfiles|multipart|forms|both|all" >&2; exit 2 ;; esac
case $auth_mode in basic | session) ;; *) echo "$prog: --auth basic|session" >&2; exit 2 ;; esac
for number in "$runs" "$size" "$chunk" "$warmup" "$warmup_requests" "$quiet_wait" "$busy_retries" "$settle_runs" "$settle_jit"; do
	[[ $number =~ ^[0-9]+$ ]] || { echo "$prog: not a number: $number" >&2; exit 2; }
done
((runs >= 1 && size >= 1 && chunk >= 1)) || { echo "$prog: runs, size and chunk must be positive" >&2; exit 2; }
((warmup <= size)) || warmup=$size

user=bench
password=secret
tmp=$(mktemp -d /tmp/chunked-bench.XXXXXX)
server_pid=''
feeder_pid=''
sink_pid=''
cleanup() {
	if [[ -n $feeder_pid ]]; then
		kill "$feeder_pid" 2>/dev/null || true
	fi
	stop_server
	if [[ -n $sink_pid ]]; then
		kill "$sink_pid" 2>/dev/null || true
	fi
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
# rate BYTES NANOSECONDS UNIT -> bytes per second in UNIT bytes, 1 decimal
rate() { awk -v b="$1" -v ns="$2" -v u="$3" 'BEGIN { printf "%.1f", (ns > 0) ? b / u / (ns / 1e9) : 0 }'; }
ms() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e6 }'; }

# --- the server ---------------------------------------------------------------------
if [[ ! -f $jar ]]; then
	say "building $jar"
	(cd "$root" && ./mvnw -q -B package -DskipTests) || fail "build failed"
fi

port=''
base=''
start_server() {
	local fsync=$1 data=$tmp/data-fsync-$1 log=$tmp/server-fsync-$1.log
	mkdir -p "$data"
	: >"$log"
	# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
	java ${BENCH_JAVA_OPTS:-} -jar "$jar" --server.port=0 --server.address=127.0.0.1 \
		--chunked-upload.data-dir="$data" \
		--chunked-upload.users.$user.password="{noop}$password" --chunked-upload.users.$user.roles=USER \
		--chunked-upload.fsync="$([[ $fsync == on ]] && echo true || echo false)" >"$log" 2>&1 &
	server_pid=$!
	port=''
	local deadline=$((SECONDS + 120))
	while [[ -z $port ]]; do
		if ! kill -0 "$server_pid" 2>/dev/null; then
			tail -n 30 "$log" >&2
			fail "the server exited during start-up"
		fi
		((SECONDS < deadline)) || fail "the server did not start within 120 s (log: $log)"
		port=$(sed -n 's/.*started on port[^0-9]*\([0-9][0-9]*\).*/\1/p' "$log" | sed -n 1p)
		[[ -n $port ]] || sleep 0.2
	done
	base=http://127.0.0.1:$port
	while ! curl -sf -o /dev/null --max-time 2 "$base/actuator/health"; do
		((SECONDS < deadline)) || fail "the server is not healthy within 120 s (log: $log)"
		sleep 0.2
	done
	say "server pid $server_pid on $base, fsync $fsync, data $data"
}

stop_server() {
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
		local deadline=$((SECONDS + 20))
		while kill -0 "$server_pid" 2>/dev/null && ((SECONDS < deadline)); do
			sleep 0.2
		done
		kill -9 "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=''
	fi
}

server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }

# Busy ticks of all CPUs (user, nice, system, irq, softirq, steal).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# CPU seconds used by this shell's finished children (curl, dd), from the times builtin,
# which must run in this shell, not in a command substitution's subshell.
children_cpu() {
	times >"$tmp/times"
	awk 'NR == 2 {
		n = split($0, t, " ")
		s = 0
		for (i = 1; i <= n; i++) { split(t[i], p, "m"); s += p[1] * 60 + p[2] }
		print s
	}' "$tmp/times"
}

# --- authentication -----------------------------------------------------------------
# auth_args: options for a curl command line; auth_config: the same for a curl config.
auth_args=()
auth_config=''
setup_auth() {
	if [[ $auth_mode == basic ]]; then
		printf 'user = "%s:%s"\n' "$user" "$password" >"$tmp/basic.config"
		auth_args=(-K "$tmp/basic.config")
		auth_config="user = \"$user:$password\""
		return
	fi
	local jar=$tmp/cookies token
	rm -f "$jar"
	token=$(curl -sS -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="_csrf"[^>]*value="\([^"]*\)".*/\1/p' | sed -n 1p)
	curl -sS -c "$jar" -b "$jar" -o /dev/null --data-urlencode "username=$user" \
		--data-urlencode "password=$password" --data-urlencode "_csrf=$token" "$base/login"
	# The token changes at login; the login page shows the session's new one.
	token=$(curl -sS -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="_csrf"[^>]*value="\([^"]*\)".*/\1/p' | sed -n 1p)
	[[ -n $token ]] || fail "form login gave no CSRF token"
	auth_args=(-b "$jar" -H "X-CSRF-TOKEN: $token")
	auth_config="cookie = \"$jar\""$'\n'"header = \"X-CSRF-TOKEN: $token\""
}

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

# --- the sink (--sink) ---------------------------------------------------------------
sink_base=''
start_sink() {
	local log=$tmp/sink.log port
	command -v node >/dev/null || fail "--sink needs node"
	node "$here/sink.mjs" >"$log" 2>&1 &
	sink_pid=$!
	port=$(listening_port "$sink_pid" "$log" 'the sink')
	sink_base=http://127.0.0.1:$port
	say "sink pid $sink_pid on $sink_base (bench/sink.mjs, $(node --version))"
}

# upload_to_sink CLIENT: the same client, the whole file, to the sink; prints nanoseconds.
upload_to_sink() {
	local saved_base=$base saved_id=$upload_id t0 t1
	base=$sink_base
	upload_id=''
	t0=$(now_ns)
	"upload_$1" "$size"
	t1=$(now_ns)
	base=$saved_base
	upload_id=$saved_id
	echo $((t1 - t0))
}

# --- one upload ---------------------------------------------------------------------
upload_id=''
response=''

# post_chunk OFFSET LENGTH TOTAL: one curl process, the bytes piped from dd and streamed
# (-T -, as scripts/upload.sh does; --data-binary @- would read the chunk into memory
# first, which measured 15-25 % slower).
post_chunk() {
	local start=$1 length=$2 total=$3 target=$base/api/chunked-upload code
	[[ -z $upload_id ]] || target+="?upload_id=$upload_id"
	dd if="$file" iflag=skip_bytes,count_bytes skip="$start" count="$length" bs=1M status=none |
		curl -sS "${auth_args[@]}" --max-time 120 -H 'Content-Type: application/octet-stream' \
			-H 'Content-Disposition: attachment; filename="bench.bin"' \
			-H "Content-Range: bytes $start-$((start + length - 1))/$total" \
			-H 'Transfer-Encoding:' -H "Content-Length: $length" -X POST -T - \
			-o "$tmp/response" -w '%{http_code}' "$target" >"$tmp/code" ||
		fail "curl failed on the chunk at $start"
	code=$(<"$tmp/code")
	response=$(<"$tmp/response")
	[[ $code == 200 ]] || fail "chunk at $start: HTTP $code $response"
	[[ $response =~ \"upload_id\":\"([0-9a-f]{32})\" ]] || fail "no upload_id in $response"
	upload_id=${BASH_REMATCH[1]}
	[[ $response =~ \"offset\":([0-9]+) ]] || fail "no offset in $response"
	((BASH_REMATCH[1] == start + length)) || fail "offset ${BASH_REMATCH[1]} after the chunk at $start"
}

upload_percurl() {
	local total=$1 offset=0 length
	while ((offset < total)); do
		length=$((total - offset < chunk ? total - offset : chunk))
		post_chunk "$offset" "$length" "$total"
		offset=$((offset + length))
	done
}

# One curl process for every chunk after the first (which names the upload), so one
# TCP connection; each chunk is piped from dd through its own FIFO, fed in order.
upload_keepalive() {
	local total=$1 offset length i=0 config=$tmp/keepalive.config fifos=$tmp/fifos
	length=$((total < chunk ? total : chunk))
	post_chunk 0 "$length" "$total"
	offset=$length
	((offset < total)) || return 0
	rm -rf "$fifos"
	mkdir "$fifos"
	: >"$config"
	local starts=() lengths=()
	while ((offset < total)); do
		length=$((total - offset < chunk ? total - offset : chunk))
		mkfifo "$fifos/$i"
		{
			((i == 0)) || echo next
			echo "$auth_config"
			echo "url = \"$base/api/chunked-upload?upload_id=$upload_id\""
			echo 'request = "POST"'
			echo "upload-file = \"$fifos/$i\""
			echo 'header = "Content-Type: application/octet-stream"'
			echo "header = \"Content-Range: bytes $offset-$((offset + length - 1))/$total\""
			# The size is known: send Content-Length, not chunked transfer encoding.
			echo 'header = "Transfer-Encoding:"'
			echo "header = \"Content-Length: $length\""
			echo 'max-time = 120'
			printf '%s\n' 'write-out = "\n%{http_code}\n"'
		} >>"$config"
		starts+=("$offset")
		lengths+=("$length")
		offset=$((offset + length))
		i=$((i + 1))
	done
	(
		for ((j = 0; j < ${#starts[@]}; j++)); do
			dd if="$file" iflag=skip_bytes,count_bytes skip="${starts[j]}" count="${lengths[j]}" bs=1M \
				status=none >"$fifos/$j"
		done
	) &
	feeder_pid=$!
	local status=0
	curl -sS -K "$config" >"$tmp/keepalive.out" || status=$?
	if kill -0 "$feeder_pid" 2>/dev/null; then
		kill "$feeder_pid" 2>/dev/null || true
	fi
	wait "$feeder_pid" 2>/dev/null || true
	feeder_pid=''
	rm -rf "$fifos"
	((status == 0)) || fail "curl --next failed ($status)"
	check_next_answers "$tmp/keepalive.out" "$i" "$total"
}

# check_next_answers FILE COUNT TOTAL: every chunk sent with --next answered 200 and the
# last one reports the whole file.
check_next_answers() {
	local out=$1 count=$2 total=$3 ok
	ok=$(grep -c '^200$' "$out" || true)
	((ok == count)) || fail "$ok of $count chunks sent with --next answered 200: $(grep -v '^200$' "$out" | head -c 500)"
	response=$(grep -o '"offset":[0-9]*' "$out" | tail -n 1)
	[[ $response == "\"offset\":$total" ]] || fail "the last chunk answered $response, not offset $total"
}

# reads_parts CLIENT: whether the client sends chunk files cut by prepare_split.
reads_parts() { [[ $1 == split || $1 == rawfiles || $1 == multipart ]]; }

# The file cut into chunk files once, outside the measured time, for the split client.
prepare_split() {
	local parts=$tmp/parts
	[[ -d $parts && -f $parts/.size-$size-$chunk ]] && return 0
	rm -rf "$parts"
	mkdir "$parts"
	split -b "$chunk" -d -a 6 "$file" "$parts/part."
	touch "$parts/.size-$size-$chunk"
}

# One curl process and connection, each chunk read by curl from its own chunk file.
upload_split() {
	local total=$1 offset length i=0 config=$tmp/split.config parts=$tmp/parts
	length=$((total < chunk ? total : chunk))
	post_chunk 0 "$length" "$total"
	offset=$length
	((offset < total)) || return 0
	: >"$config"
	while ((offset < total)); do
		length=$((total - offset < chunk ? total - offset : chunk))
		{
			((i == 0)) || echo next
			echo "$auth_config"
			echo "url = \"$base/api/chunked-upload?upload_id=$upload_id\""
			echo 'request = "POST"'
			printf 'upload-file = "%s/part.%06d"\n' "$parts" $((offset / chunk))
			echo 'header = "Content-Type: application/octet-stream"'
			echo "header = \"Content-Range: bytes $offset-$((offset + length - 1))/$total\""
			echo 'max-time = 120'
			printf '%s\n' 'write-out = "\n%{http_code}\n"'
		} >>"$config"
		offset=$((offset + length))
		i=$((i + 1))
	done
	curl -sS -K "$config" >"$tmp/split.out" || fail "curl --next failed"
	check_next_answers "$tmp/split.out" "$i" "$total"
}

# post_file_chunk KIND OFFSET LENGTH TOTAL: one curl process for one chunk, read by curl
# from its chunk file; KIND raw sends it as the body, multipart as the form's file field.
post_file_chunk() {
	local kind=$1 start=$2 length=$3 total=$4 target=$base/api/chunked-upload code part
	part=$(printf '%s/part.%06d' "$tmp/parts" $((start / chunk)))
	[[ -z $upload_id ]] || target+="?upload_id=$upload_id"
	local body_args=(-H 'Content-Type: application/octet-stream' -H 'Content-Disposition: attachment; filename="bench.bin"' -X POST -T "$part")
	[[ $kind == raw ]] || body_args=(-F "file=@$part;filename=bench.bin;type=application/octet-stream")
	curl -sS "${auth_args[@]}" --max-time 120 "${body_args[@]}" \
		-H "Content-Range: bytes $start-$((start + length - 1))/$total" \
		-o "$tmp/response" -w '%{http_code}' "$target" >"$tmp/code" ||
		fail "curl failed on the chunk at $start"
	code=$(<"$tmp/code")
	response=$(<"$tmp/response")
	[[ $code == 200 ]] || fail "chunk at $start: HTTP $code $response"
	[[ $response =~ \"upload_id\":\"([0-9a-f]{32})\" ]] || fail "no upload_id in $response"
	upload_id=${BASH_REMATCH[1]}
	[[ $response =~ \"offset\":([0-9]+) ]] || fail "no offset in $response"
	((BASH_REMATCH[1] == start + length)) || fail "offset ${BASH_REMATCH[1]} after the chunk at $start"
}

upload_files() {
	local kind=$1 total=$2 offset=0 length
	while ((offset < total)); do
		length=$((total - offset < chunk ? total - offset : chunk))
		post_file_chunk "$kind" "$offset" "$length" "$total"
		offset=$((offset + length))
	done
}

upload_rawfiles() {
	upload_files raw "$1"
}

upload_multipart() {
	upload_files multipart "$1"
}

# Many small chunks of one upload over one connection, then the upload deleted: the
# per-request code (security, transactions, Tomcat) gets as warm as in a server in service.
warm_up_requests() {
	local n=$1 piece=65536 total i config=$tmp/warmup.config
	total=$((n * piece))
	head -c "$piece" "$file" >"$tmp/piece"
	upload_id=''
	local code
	code=$(curl -sS "${auth_args[@]}" -X POST -H 'Content-Type: application/octet-stream' \
		-H "Content-Range: bytes 0-$((piece - 1))/$total" --data-binary "@$tmp/piece" \
		-o "$tmp/response" -w '%{http_code}' "$base/api/chunked-upload")
	[[ $code == 200 ]] || fail "warm-up chunk: HTTP $code $(<"$tmp/response")"
	[[ $(<"$tmp/response") =~ \"upload_id\":\"([0-9a-f]{32})\" ]] || fail "no upload_id in the warm-up answer"
	upload_id=${BASH_REMATCH[1]}
	: >"$config"
	for ((i = 1; i < n; i++)); do
		{
			((i == 1)) || echo next
			echo "$auth_config"
			echo "url = \"$base/api/chunked-upload?upload_id=$upload_id\""
			echo 'header = "Content-Type: application/octet-stream"'
			echo "header = \"Content-Range: bytes $((i * piece))-$((i * piece + piece - 1))/$total\""
			echo "data-binary = \"@$tmp/piece\""
			echo 'output = "/dev/null"'
		} >>"$config"
	done
	curl -sS -K "$config" || fail "warm-up requests failed"
	delete_upload
	say "warm-up: $n requests"
}

complete_ns=0
complete_wall_ns=0
server_md5=''
complete_upload() {
	local md5=$1 t0 t1 code
	t0=$(now_ns)
	curl -sS "${auth_args[@]}" --max-time 120 -o "$tmp/response" -w '%{http_code} %{time_total}\n' \
		--data-urlencode "upload_id=$upload_id" --data-urlencode "md5=$md5" \
		"$base/api/chunked-upload/complete" >"$tmp/code" || fail "curl failed on completion"
	t1=$(now_ns)
	complete_wall_ns=$((t1 - t0))
	read -r code complete_ns <"$tmp/code"
	complete_ns=$(awk -v s="$complete_ns" 'BEGIN { printf "%d", s * 1e9 }')
	response=$(<"$tmp/response")
	[[ $code == 200 ]] || fail "completion: HTTP $code $response"
	[[ $response =~ \"md5\":\"([0-9a-f]{32})\" ]] || fail "no md5 in $response"
	server_md5=${BASH_REMATCH[1]}
}

delete_upload() {
	curl -sS "${auth_args[@]}" -o /dev/null -X DELETE --max-time 60 "$base/api/uploads/$upload_id" || true
}

stored_file() {
	find "$tmp/data-fsync-$1" -path '*/uploads/*' -name "$upload_id" -type f | sed -n 1p
}

# --- measurements -------------------------------------------------------------------
# Other work on this machine competes for the 2 CPUs: wait (bounded) until the machine
# is nearly idle for a second before a measurement; the 'oth s' column shows what
# competed anyway.
wait_quiet() {
	local deadline=$((SECONDS + quiet_wait)) b0 b1 hz
	hz=$(getconf CLK_TCK)
	while true; do
		b0=$(busy_ticks)
		sleep 1
		b1=$(busy_ticks)
		if (((b1 - b0) * 10 < hz * 2)); then
			return
		fi
		if ((SECONDS >= deadline)); then
			say "the machine is still busy ($(awk -v t="$((b1 - b0))" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }') CPUs); measuring anyway"
			return
		fi
	done
}

format_row() { printf '%-5s %-9s %-7s %-4s %7s %8s %8s %8s %5s %6s %7s %7s %5s %5s %5s %-7s %8s %5s %s' "$@"; }

# CPU ticks of the server's threads, summed by thread name: "name user system".
thread_ticks() {
	local task
	for task in /proc/"$server_pid"/task/*; do
		# stat is "tid (comm) state ...": utime and stime are the 12th and 13th fields
		# after the comm, which may itself hold spaces.
		printf '%s %s\n' "$(tr ' ' _ <"$task/comm" 2>/dev/null)" \
			"$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{ print $12, $13 }')"
	done | awk 'NF == 3 { u[$1] += $2; s[$1] += $3 } END { for (k in u) print k, u[k], s[k] }' | sort
}

# thread_report BEFORE AFTER: the server threads that used the most CPU in between.
thread_report() {
	local hz
	hz=$(getconf CLK_TCK)
	join -a 2 -e 0 -o 0,1.2,1.3,2.2,2.3 "$1" "$2" |
		awk -v hz="$hz" '{ u = ($4 - $2) / hz; s = ($5 - $3) / hz; if (u + s >= 0.05) printf "    %-16s user %5.2f s  sys %5.2f s\n", $1, u, s }' |
		sort -k3 -rn | awk 'NR <= 8' 
}

rows=()
file_md5=''
busy=0
# measure FSYNC CLIENT RUN: one row; sets busy=1 if other work took more than a
# quarter of a CPU on average during the upload.
# Upload the file with each measured client, unmeasured, until the server's JIT settled
# (see --settle-runs).
settle_clients() {
	settle "$server_pid" "$settle_runs" "$settle_jit" "round(s) of every client" settle_round \
		"$(md5sum "$file" | cut -c1-32)"
}

settle_round() {
	local sum=$1 client
	for client in $clients; do
		! reads_parts "$client" || prepare_split
		upload_id=''
		"upload_$client" "$size"
		complete_upload "$sum"
		delete_upload
	done
}

measure() {
	local fsync=$1 client=$2 run=$3 t0 t1 md5_ns dd_ns up_ns cpu0 cpu1 busy0 busy1 client0 client1 stored
	# md5sum from the page cache
	cat "$file" >/dev/null
	wait_quiet
	t0=$(now_ns)
	file_md5=$(md5sum "$file" | cut -c1-32)
	t1=$(now_ns)
	md5_ns=$((t1 - t0))
	# dd write with fdatasync, next to the server's data
	t0=$(now_ns)
	dd if="$file" of="$tmp/dd.out" bs=8M conv=fdatasync status=none
	t1=$(now_ns)
	dd_ns=$((t1 - t0))
	rm -f "$tmp/dd.out"
	sync
	! reads_parts "$client" || prepare_split
	# the upload
	upload_id=''
	thread_ticks >"$tmp/threads0"
	cpu0=$(server_cpu_ticks)
	busy0=$(busy_ticks)
	children_cpu >"$tmp/client0"
	client0=$(<"$tmp/client0")
	t0=$(now_ns)
	"upload_$client" "$size"
	t1=$(now_ns)
	up_ns=$((t1 - t0))
	cpu1=$(server_cpu_ticks)
	busy1=$(busy_ticks)
	children_cpu >"$tmp/client1"
	client1=$(<"$tmp/client1")
	thread_ticks >"$tmp/threads1"
	complete_upload "$file_md5"
	local md5_ok=no
	if [[ $server_md5 == "$file_md5" ]]; then
		md5_ok=yes
	fi
	stored=$(stored_file "$fsync")
	if [[ -n $stored && $(stat -c %s "$stored") == "$size" ]] && [[ $(md5sum "$stored" | cut -c1-32) == "$file_md5" ]]; then
		md5_ok+=/yes
	else
		md5_ok+=/NO
	fi
	delete_upload
	local up_mb md5_mb dd_mb ratio target cpu_s client_s other_s hz per_chunk other_cpus
	hz=$(getconf CLK_TCK)
	up_mb=$(rate "$size" "$up_ns" 1e6)
	local sink_mb=- of_sink=- sink_ns
	if ((sink)); then
		sink_ns=$(upload_to_sink "$client")
		sink_mb=$(rate "$size" "$sink_ns" 1e6)
		of_sink=$(awk -v u="$up_mb" -v s="$sink_mb" 'BEGIN { printf "%.2f", (s > 0) ? u / s : 0 }')
	fi
	md5_mb=$(rate "$size" "$md5_ns" 1e6)
	dd_mb=$(rate "$size" "$dd_ns" 1e6)
	ratio=$(awk -v u="$up_mb" -v m="$md5_mb" -v d="$dd_mb" 'BEGIN { x = (m < d) ? m : d; printf "%.2f", u / x }')
	per_chunk=$(awk -v ns="$up_ns" -v n="$(((size + chunk - 1) / chunk))" 'BEGIN { printf "%.1f", ns / 1e6 / n }')
	cpu_s=$(awk -v t="$((cpu1 - cpu0))" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }')
	client_s=$(awk -v a="$client0" -v b="$client1" 'BEGIN { printf "%.1f", b - a }')
	# CPU time the rest of the machine took while we uploaded: it competed with us.
	other_s=$(awk -v t="$((busy1 - busy0))" -v hz="$hz" -v s="$cpu_s" -v c="$client_s" \
		'BEGIN { x = t / hz - s - c; printf "%.1f", (x < 0) ? 0 : x }')
	other_cpus=$(awk -v o="$other_s" -v ns="$up_ns" 'BEGIN { printf "%.2f", o / (ns / 1e9) }')
	busy=$(awk -v x="$other_cpus" 'BEGIN { print (x > 0.25) ? 1 : 0 }')
	target=-
	if [[ $fsync == on ]]; then
		target=$(awk -v r="$ratio" -v c="$complete_ns" 'BEGIN { print (r >= 0.7 ? "rate ok" : "rate LOW") ", " (c < 100e6 ? "done ok" : "done SLOW") }')
	fi
	if [[ $busy -eq 1 ]]; then
		run+='*'
	fi
	local row
	row=$(format_row "$fsync" "$client" "$auth_mode" "$run" \
		"$up_mb" "$(rate "$size" "$up_ns" 1048576)" "$md5_mb" "$dd_mb" "$ratio" "$per_chunk" "$(ms "$complete_ns")" \
		"$(ms "$complete_wall_ns")" "$cpu_s" "$client_s" "$other_cpus" "$md5_ok" "$sink_mb" "$of_sink" "$target")
	rows+=("$row")
	echo "$row"
	if [[ $profile -eq 1 ]]; then
		echo "  server threads during the upload:"
		thread_report "$tmp/threads0" "$tmp/threads1"
	fi
}

header=$(format_row fsync client auth run \
	'up MB/s' 'up MiB/s' 'md5 MB/s' 'dd MB/s' ratio 'ms/chk' 'done ms' 'wall ms' 'srv s' 'cli s' 'other' 'md5 ok' 'sink MB/s' '/sink' 'target (fsync on)')

say "file $file: $size bytes; chunks of $chunk bytes; $(nproc) CPUs; $(curl --version | sed -n 1p | cut -d' ' -f1-2); $(java -version 2>&1 | sed -n 1p)"
echo "$header"
for fsync in $fsync_modes; do
	start_server "$fsync"
	setup_auth
	if [[ $profile -eq 1 ]]; then
		jcmd "$server_pid" JFR.start name=bench settings=profile filename="$tmp/fsync-$fsync.jfr" >/dev/null
	fi
	if ((warmup > 0)); then
		# Let the JIT compile the hot paths (MD5, copy loops) before measuring.
		upload_id=''
		upload_percurl "$warmup"
		complete_upload "$(head -c "$warmup" "$file" | md5sum | cut -c1-32)"
		delete_upload
	fi
	((warmup_requests == 0)) || warm_up_requests "$warmup_requests"
	settle_clients
	if ((sink)); then
		[[ -n $sink_pid ]] || start_sink
		# Node compiles its hot code too: one unmeasured upload per client.
		for client in $clients; do
			! reads_parts "$client" || prepare_split
			upload_to_sink "$client" >/dev/null
		done
	fi
	for ((run = 1; run <= runs; run++)); do
		for client in $clients; do
			measure "$fsync" "$client" "$run"
			# A row that other work disturbed is kept, marked, and measured again.
			for ((again = 0; busy == 1 && again < busy_retries; again++)); do
				say "other work used the CPUs during that upload: measuring again"
				measure "$fsync" "$client" "$run"
			done
		done
	done
	if [[ $profile -eq 1 ]]; then
		jcmd "$server_pid" JFR.stop name=bench >/dev/null
		echo "Hottest frames, fsync $fsync (JFR execution samples, top of stack):"
		jfr print --events jdk.ExecutionSample "$tmp/fsync-$fsync.jfr" |
			awk '/stackTrace = \[/ { getline; sub(/line:.*/, ""); gsub(/^[ \t]+/, ""); print }' |
			sort | uniq -c | sort -rn | awk 'NR <= 12' 
	fi
	stop_server
done

echo
echo "Summary ($size bytes in chunks of $chunk; MB = 10^6 bytes; ratio = upload / min(md5sum, dd);"
echo "done ms = completion request as curl timed it, wall ms = with curl's start; md5 ok = server's / stored file's;"
echo " ms/chk = upload time per chunk; srv s, cli s = CPU seconds the server and curl+dd used during the upload;"
echo " other = CPUs the rest of the machine used meanwhile, on average; run* = disturbed by that, measured again;"
echo " sink MB/s = the same client to bench/sink.mjs right after, a server that throws the bytes away (--sink);"
echo " /sink = up MB/s / sink MB/s)"
echo "$header"
printf '%s\n' "${rows[@]}"
