# Sourced by tus.sh and chunked-upload.sh, which define say() and fail(): settling a JVM
# server before measuring it (see "settles" in bench/README.md), and waiting for a Node
# server of theirs to listen.

# listening_port PID LOG WHAT: the port a Node server of bench/ (tus-server.mjs, sink.mjs)
# prints as "listening on PORT" in LOG, waited for at most 30 s; WHAT names it in errors.
listening_port() {
	local pid=$1 log=$2 what=$3 port='' deadline=$((SECONDS + 30))
	while [[ -z $port ]]; do
		kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$what exited during start-up"; }
		((SECONDS < deadline)) || fail "$what did not start within 30 s (log: $log)"
		port=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$log")
		[[ -n $port ]] || sleep 0.1
	done
	echo "$port"
}

# CPU ticks of a process (its threads that ended included), then of its JIT compiler
# threads.
cpu_and_jit_ticks() {
	local pid=$1 task jit=0 ticks
	for task in /proc/"$pid"/task/*; do
		case $(<"$task/comm") in 'C1 Compiler'* | 'C2 Compiler'*) ;; *) continue ;; esac
		ticks=$(sed 's/.*) //' "$task/stat" | awk '{ print $12 + $13 }')
		jit=$((jit + ${ticks:-0}))
	done 2>/dev/null
	echo "$(awk '{ print $14 + $15 }' "/proc/$pid/stat") $jit"
}

# settle PID MAX_RUNS PERCENT WHAT COMMAND [ARGUMENT...]: run COMMAND (one unmeasured run
# of the measured workload) until PID's JIT compilers took at most PERCENT of its CPU
# during two runs in a row, at most MAX_RUNS times; WHAT names a run in the report. Two,
# because one quiet run proves little: after a first run at 8 %, C2 took 14 and 21 % of
# the server's CPU in the two measured rounds of 16 uploads in 1 MiB chunks that
# followed. Left alone with that workload, the share went 17, 29, 29, 30, 35, 30, 29,
# 27, 24, 26, 16, 8 % over 12 runs, and 18, 21, 14, 9, 8, 9 % over runs 10 to 15 of
# another series.
settle() {
	local pid=$1 max=$2 percent=$3 what=$4 run before after all jit shares='' quiet=0
	shift 4
	((max > 0)) || return 0
	for ((run = 1; run <= max; run++)); do
		read -r -a before <<<"$(cpu_and_jit_ticks "$pid")"
		"$@"
		read -r -a after <<<"$(cpu_and_jit_ticks "$pid")"
		all=$((after[0] - before[0]))
		jit=$((after[1] - before[1]))
		shares+=" $((all > 0 ? 100 * jit / all : 0))%"
		if ((all > 0 && 100 * jit > percent * all)); then quiet=0; else quiet=$((quiet + 1)); fi
		((quiet < 2)) || break
	done
	((run <= max)) || run=$max
	say "settled after $run unmeasured $what; the JIT's share of this server's CPU per run:$shares"
}
