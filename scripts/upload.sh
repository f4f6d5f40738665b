#!/usr/bin/env bash
# Upload a file to the Chunked Upload Server over the django-chunked-upload protocol,
# in chunks, resuming after an interruption. Needs bash, curl and coreutils only.
# Run with -h for usage.
set -euo pipefail

prog=${0##*/}

usage() {
	cat <<EOF
Usage: $prog [options] FILE

Upload FILE in chunks to a Chunked Upload Server (django-chunked-upload protocol:
POST /api/chunked-upload with Content-Range, raw octet-stream bodies), then complete
it with the file's MD5. An interrupted upload resumes where the server says it got to:
run the same command again.

Options:
  -U URL      server base URL            (env CHUNKED_UPLOAD_URL, default http://localhost:8080)
  -t TOKEN    an API token (see /tokens)  (env CHUNKED_UPLOAD_TOKEN; prefer it: other users
                                          can see -t in ps); used instead of -u when given
  -u U:P      user and password          (env CHUNKED_UPLOAD_USER and CHUNKED_UPLOAD_PASSWORD;
                                          prefer these: other users can see -u in ps)
  -c SIZE     chunk size, bytes or with K/M/G (binary) suffix
                                         (env CHUNKED_UPLOAD_CHUNK_SIZE, default 8M)
  -n NAME     file name to send          (default: the base name of FILE)
  -r N        retries of a failing request before giving up; 0 = none
                                         (env CHUNKED_UPLOAD_RETRIES, default 8)
  -S DIR      where resume state is kept (env CHUNKED_UPLOAD_STATE_DIR,
                                          default \${XDG_CACHE_HOME:-\$HOME/.cache}/chunked-upload)
  -f          forget any saved state and start a new upload
  -q          no progress on stderr
  -h          this help

The completion response (JSON) is printed on stdout. Resume state is keyed by the
file's absolute path, size and mtime (and the server URL and user); it is removed
when the upload completes.

A 401 or 403 (wrong credentials, a revoked or expired token, a quota exceeded) stops
the script with the server's detail. Transient failures (curl errors, 5xx, 408, 409 busy, 429) are retried with back-off
(1 s doubling to at most 30 s), resyncing the offset from the server first. A 400 that
names the server's offset makes the upload continue from there.

Exit status: 0 done; 1 refused by the server (its detail is printed) or the file
changed; 2 usage; 75 retries exhausted (run again to resume).
EOF
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

usage_error() {
	echo "$prog: $*" >&2
	echo "Try '$prog -h'." >&2
	exit 2
}

log() {
	if [[ $quiet -eq 0 ]]; then
		echo "$prog: $*" >&2
	fi
}

# "8M" -> 8388608
parse_size() {
	local value=$1 number unit
	if [[ ! $value =~ ^([0-9]+)([KkMmGg]?)(i?[Bb])?$ ]]; then
		return 1
	fi
	number=$((10#${BASH_REMATCH[1]}))
	unit=${BASH_REMATCH[2]}
	case $unit in
	K | k) number=$((number * 1024)) ;;
	M | m) number=$((number * 1024 * 1024)) ;;
	G | g) number=$((number * 1024 * 1024 * 1024)) ;;
	esac
	echo "$number"
}

# Percent-encode like JavaScript's encodeURIComponent (the server decodes it).
urlencode() {
	local LC_ALL=C string=$1 out='' char i
	for ((i = 0; i < ${#string}; i++)); do
		char=${string:i:1}
		case $char in
		[a-zA-Z0-9.~_!*\'\(\)-]) out+=$char ;;
		*) out+=$(printf '%%%02X' "'$char") ;;
		esac
	done
	echo "$out"
}

# Values from the server's small flat JSON objects, without jq.
json_number() {
	sed -n 's/.*"'"$1"'":[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$2" | head -n 1
}

json_string() {
	sed -n 's/.*"'"$1"'":[[:space:]]*"\(\([^"\\]\|\\.\)*\)".*/\1/p' "$2" | head -n 1
}

server_detail() {
	local detail
	detail=$(json_string detail "$1")
	if [[ -z $detail ]]; then
		detail=$(head -c 300 "$1" | tr -d '\r' | tr '\n' ' ')
	fi
	echo "${detail:-no detail}"
}

url=${CHUNKED_UPLOAD_URL:-http://localhost:8080}
token=${CHUNKED_UPLOAD_TOKEN:-}
user=${CHUNKED_UPLOAD_USER:-}
password=${CHUNKED_UPLOAD_PASSWORD:-}
chunk_size_arg=${CHUNKED_UPLOAD_CHUNK_SIZE:-8M}
retries=${CHUNKED_UPLOAD_RETRIES:-8}
state_dir=${CHUNKED_UPLOAD_STATE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/chunked-upload}
name=''
forget=0
quiet=0

while getopts ':U:t:u:c:n:r:S:fqh' option; do
	case $option in
	U) url=$OPTARG ;;
	t) token=$OPTARG ;;
	u)
		if [[ $OPTARG != *:* ]]; then
			usage_error "-u needs USER:PASSWORD"
		fi
		user=${OPTARG%%:*}
		password=${OPTARG#*:}
		;;
	c) chunk_size_arg=$OPTARG ;;
	n) name=$OPTARG ;;
	r) retries=$OPTARG ;;
	S) state_dir=$OPTARG ;;
	f) forget=1 ;;
	q) quiet=1 ;;
	h)
		usage
		exit 0
		;;
	:) usage_error "option -$OPTARG needs a value" ;;
	*) usage_error "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))
if [[ $# -ne 1 ]]; then
	usage_error "give exactly one FILE"
fi
file=$1

chunk_size=$(parse_size "$chunk_size_arg") || usage_error "bad chunk size '$chunk_size_arg'"
if ((chunk_size < 1)); then
	usage_error "the chunk size must be at least 1 byte"
fi
if [[ ! $retries =~ ^[0-9]+$ ]]; then
	usage_error "bad retry count '$retries'"
fi
if [[ -n $token ]]; then
	if [[ $token =~ [[:space:]\"] ]]; then
		usage_error "the token contains spaces or quotes: is it the whole token?"
	fi
	# Resume state is kept per identity; a token names no user, so its hash stands in.
	identity=token-$(printf '%s' "$token" | sha256sum | cut -c1-16)
elif [[ -n $user ]]; then
	identity=$user
else
	usage_error "no credentials: give -t TOKEN (or set CHUNKED_UPLOAD_TOKEN), or -u USER:PASSWORD (or set CHUNKED_UPLOAD_USER and CHUNKED_UPLOAD_PASSWORD)"
fi
if [[ ! -f $file || ! -r $file ]]; then
	usage_error "'$file' is not a readable regular file"
fi
url=${url%/}
endpoint=$url/api/chunked-upload
file=$(readlink -f -- "$file")
name=${name:-${file##*/}}
read -r size mtime < <(stat -L -c '%s %Y' -- "$file")

work=$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/chunked-upload.XXXXXX")
md5_pid=''
cleanup() {
	if [[ -n $md5_pid ]]; then
		kill "$md5_pid" 2>/dev/null || true
	fi
	rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Credentials reach curl as a config read from a pipe (-K <(curl_config)): neither on
# its command line, which ps shows, nor in a file.
escape_config() {
	local value=${1//\\/\\\\}
	echo "${value//\"/\\\"}"
}
curl_config() {
	if [[ -n $token ]]; then
		echo "header = \"Authorization: Bearer $(escape_config "$token")\""
	else
		echo "user = \"$(escape_config "$user:$password")\""
	fi
	echo 'silent'
	echo 'show-error'
	echo 'connect-timeout = 10'
	# A transfer that stalls for a minute fails (and is retried) instead of hanging.
	echo 'speed-limit = 1'
	echo 'speed-time = 60'
}
body=$work/body

# curl_request ARGS...: run curl with the config; sets http_code ('000' if curl failed)
# and curl_status. The response body is in $body. Data may come on stdin.
http_code=000
curl_status=0
curl_request() {
	: >"$body"
	curl_status=0
	http_code=$(curl -K <(curl_config) -o "$body" -w '%{http_code}' "$@") || curl_status=$?
	if [[ $curl_status -ne 0 || ! $http_code =~ ^[1-5][0-9][0-9]$ ]]; then
		http_code=000
	fi
}

# Whether the last request failed in a way worth retrying.
transient() {
	if [[ $http_code == 000 ]]; then
		case $curl_status in
		1 | 2 | 3 | 4 | 27 | 43 | 48 | 49 | 53 | 58 | 59 | 60 | 77 | 80 | 83 | 90 | 91) return 1 ;;
		*) return 0 ;;
		esac
	fi
	case $http_code in
	408 | 409 | 429 | 5??) return 0 ;;
	*) return 1 ;;
	esac
}

describe_failure() {
	if [[ $http_code == 000 ]]; then
		echo "curl failed (exit $curl_status)"
	else
		echo "HTTP $http_code: $(server_detail "$body")"
	fi
}

failures=0
# Count a transient failure; give up after $retries of them in a row, else sleep.
back_off() {
	local what=$1 delay
	failures=$((failures + 1))
	if ((failures > retries)); then
		echo "$prog: $what: $(describe_failure); giving up after $retries retries" >&2
		if [[ -n $upload_id ]]; then
			echo "$prog: run the same command again to resume upload $upload_id" >&2
		fi
		exit 75
	fi
	delay=$((1 << (failures - 1)))
	delay=$((delay > 30 ? 30 : delay))
	log "$what: $(describe_failure); retry $failures/$retries in ${delay}s"
	sleep "$delay"
}

refuse() {
	echo "$prog: $1: HTTP $http_code: $(server_detail "$body")" >&2
	exit 1
}

# --- resume state -------------------------------------------------------------------
mkdir -p -- "$state_dir"
state_key=$(printf '%s\n' "$file" "$size" "$mtime" "$url" "$identity" | md5sum | cut -c1-32)
state_file=$state_dir/$state_key.state
if command -v flock >/dev/null 2>&1; then
	exec 9>"$state_file.lock"
	flock -n 9 || die "another upload of '$file' is running"
fi
upload_id=''
md5=''
if [[ $forget -eq 1 ]]; then
	rm -f -- "$state_file"
elif [[ -f $state_file ]]; then
	upload_id=$(sed -n 's/^upload_id=\([0-9a-f]\{32\}\)$/\1/p' "$state_file")
	md5=$(sed -n 's/^md5=\([0-9a-f]\{32\}\)$/\1/p' "$state_file")
fi

save_state() {
	{
		echo "# $prog resume state"
		echo "file=$file"
		echo "size=$size"
		echo "mtime=$mtime"
		echo "url=$url"
		echo "user=$identity"
		echo "upload_id=$upload_id"
		if [[ -n $md5 ]]; then
			echo "md5=$md5"
		fi
	} >"$state_file.tmp"
	mv -f -- "$state_file.tmp" "$state_file"
}

forget_state() {
	rm -f -- "$state_file" "$state_file.lock"
}

# --- MD5, in the background while the bytes travel ------------------------------------
if [[ -z $md5 ]]; then
	md5sum -- "$file" >"$work/md5" &
	md5_pid=$!
fi

wait_md5() {
	if [[ -n $md5 ]]; then
		return
	fi
	if kill -0 "$md5_pid" 2>/dev/null; then
		log "waiting for md5sum"
	fi
	wait "$md5_pid" || die "md5sum of '$file' failed"
	md5_pid=''
	md5=$(cut -c1-32 "$work/md5")
	if [[ ! $md5 =~ ^[0-9a-f]{32}$ ]]; then
		die "md5sum gave no digest"
	fi
	save_state
}

# Save the MD5 in the state as soon as md5sum is done, so a rerun need not hash again.
poll_md5() {
	if [[ -n $md5_pid ]] && ! kill -0 "$md5_pid" 2>/dev/null; then
		wait_md5
	fi
}

# --- where the server is ------------------------------------------------------------
offset=0
server_status=''
# Ask the server for the upload's offset. Returns 1 if the upload is gone.
query_offset() {
	while true; do
		curl_request "$endpoint/$upload_id"
		if [[ $http_code == 200 ]]; then
			local total
			offset=$(json_number offset "$body")
			total=$(json_number total "$body")
			server_status=$(json_string status "$body")
			if [[ -z $offset ]]; then
				die "unexpected status response: $(head -c 300 "$body")"
			fi
			if [[ -n $total && $total != "$size" ]]; then
				log "upload $upload_id has total $total, not $size: starting anew"
				return 1
			fi
			failures=0
			return 0
		fi
		if [[ $http_code == 404 || $http_code == 410 ]]; then
			log "upload $upload_id is gone ($(server_detail "$body")): starting anew"
			return 1
		fi
		if transient; then
			back_off "asking for the offset of $upload_id"
			continue
		fi
		refuse "asking for the offset of $upload_id"
	done
}

if [[ -n $upload_id ]]; then
	if query_offset; then
		case $server_status in
		uploading | complete) log "resuming upload $upload_id at byte $offset of $size" ;;
		*)
			log "upload $upload_id is $server_status: starting anew"
			upload_id=''
			offset=0
			;;
		esac
	else
		upload_id=''
		offset=0
	fi
	if [[ -z $upload_id ]]; then
		rm -f -- "$state_file"
	fi
fi

# --- the chunks ---------------------------------------------------------------------
disposition="attachment; filename=\"$(urlencode "$name")\""
started=$(date +%s%N)
sent_from=$offset
resyncs=0

# send_chunk START LENGTH: the bytes come straight from the file through a pipe.
send_chunk() {
	local start=$1 length=$2 target=$endpoint
	local -a range
	if ((size == 0)); then
		range=()
	else
		range=(-H "Content-Range: bytes $start-$((start + length - 1))/$size")
	fi
	if [[ -n $upload_id ]]; then
		target="$endpoint?upload_id=$upload_id"
	fi
	: >"$body"
	curl_status=0
	http_code=000
	set +e
	# curl -T - streams the pipe as it reads it (--data-binary @- would first read the
	# whole chunk into memory); the explicit Content-Length replaces chunked encoding.
	dd if="$file" iflag=skip_bytes,count_bytes skip="$start" count="$length" bs=1M status=none |
		curl -K <(curl_config) -o "$body" -w '%{http_code}' -X POST -T - \
			-H 'Content-Type: application/octet-stream' -H "Content-Disposition: $disposition" \
			-H 'Transfer-Encoding:' -H "Content-Length: $length" \
			"${range[@]}" "$target" >"$work/code"
	local statuses=("${PIPESTATUS[@]}")
	set -e
	curl_status=${statuses[1]}
	http_code=$(cat "$work/code")
	if [[ $curl_status -ne 0 || ! $http_code =~ ^[1-5][0-9][0-9]$ ]]; then
		http_code=000
	elif [[ ${statuses[0]} -ne 0 && ${statuses[0]} -ne 141 ]]; then
		# The file could not be read: whatever curl sent is short, and the server
		# refuses a short chunk; say so rather than its detail. (141 is SIGPIPE: the
		# server answered early, e.g. with its offset, and curl stopped reading.)
		die "reading '$file' at byte $start failed"
	fi
}

progress() {
	local now elapsed rate=''
	now=$(date +%s%N)
	elapsed=$(((now - started) / 1000000))
	if ((elapsed > 0)); then
		rate=$(((offset - sent_from) * 1000 / elapsed / 1000))
		rate=", $((rate / 1000)).$(printf '%03d' $((rate % 1000))) MB/s"
	fi
	if ((size > 0)); then
		log "$offset/$size bytes ($((offset * 100 / size))%$rate)"
	fi
}

upload_chunks() {
	while [[ -z $upload_id ]] || ((offset < size)); do
		local length=$((size - offset < chunk_size ? size - offset : chunk_size))
		send_chunk "$offset" "$length"
		if [[ $http_code == 200 ]]; then
			local new_id new_offset
			new_id=$(json_string upload_id "$body")
			new_offset=$(json_number offset "$body")
			if [[ ! $new_id =~ ^[0-9a-f]{32}$ || -z $new_offset ]]; then
				die "unexpected chunk response: $(head -c 300 "$body")"
			fi
			if [[ -z $upload_id ]]; then
				upload_id=$new_id
				save_state
				log "upload $upload_id started"
			fi
			offset=$new_offset
			failures=0
			progress
			poll_md5
			continue
		fi
		if [[ $http_code == 400 ]]; then
			local server_offset
			server_offset=$(json_number offset "$body")
			if [[ -n $server_offset && -n $upload_id ]]; then
				resyncs=$((resyncs + 1))
				if ((resyncs > retries + 1)); then
					refuse "the offset keeps moving"
				fi
				log "server is at byte $server_offset, not $offset: continuing from there"
				offset=$server_offset
				continue
			fi
		fi
		if transient; then
			back_off "chunk at byte $offset"
			if [[ -n $upload_id ]]; then
				if ! query_offset; then
					forget_state
					die "upload $upload_id is gone; run again to start anew"
				fi
			fi
			continue
		fi
		if [[ $http_code == 404 || $http_code == 410 ]]; then
			forget_state
		fi
		refuse "chunk at byte $offset"
	done
}

upload_chunks

# --- completion ---------------------------------------------------------------------
wait_md5
while true; do
	curl_request --data-urlencode "upload_id=$upload_id" --data-urlencode "md5=$md5" "$endpoint/complete"
	if [[ $http_code == 200 ]]; then
		server_md5=$(json_string md5 "$body")
		if [[ $server_md5 != "$md5" ]]; then
			die "the server reports md5 $server_md5 but the file's is $md5"
		fi
		forget_state
		cat "$body"
		echo
		log "upload $upload_id complete: $size bytes, md5 $md5"
		exit 0
	fi
	if [[ $http_code == 400 ]] && grep -q 'upload-incomplete' "$body"; then
		# The server has fewer bytes than we thought: send the rest.
		resyncs=$((resyncs + 1))
		if ((resyncs > retries + 1)); then
			refuse "completing"
		fi
		offset=$(json_number offset "$body")
		log "server has only ${offset:-?} bytes: sending the rest"
		offset=${offset:-0}
		upload_chunks
		continue
	fi
	if [[ $http_code == 400 ]] && grep -q 'md5-mismatch' "$body"; then
		forget_state
		refuse "completing (did '$file' change during the upload?)"
	fi
	if transient; then
		back_off "completing $upload_id"
		continue
	fi
	if [[ $http_code == 404 || $http_code == 410 ]]; then
		forget_state
	fi
	refuse "completing $upload_id"
done
