# Sourced by tus.sh and chunked-upload.sh, which define say(): settling a JVM server
# before measuring it (see "settles" in bench/README.md).

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
# during a run, at most MAX_RUNS times; WHAT names a run in the report.
settle() {
	local pid=$1 max=$2 percent=$3 what=$4 run before after all jit shares=''
	shift 4
	((max > 0)) || return 0
	for ((run = 1; run <= max; run++)); do
		read -r -a before <<<"$(cpu_and_jit_ticks "$pid")"
		"$@"
		read -r -a after <<<"$(cpu_and_jit_ticks "$pid")"
		all=$((after[0] - before[0]))
		jit=$((after[1] - before[1]))
		shares+=" $((all > 0 ? 100 * jit / all : 0))%"
		((all > 0 && 100 * jit > percent * all)) || break
	done
	((run <= max)) || run=$max
	say "settled after $run unmeasured $what; the JIT's share of this server's CPU per run:$shares"
}
