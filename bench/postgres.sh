#!/usr/bin/env bash
# Measures folio on PostgreSQL with one and with two serve processes, and
# on SQLite with one, in the same run: cached post and home pages and
# reply submission, with wrk at 32 connections in all (split between the
# processes when there are two).
# Usage: PGURL=postgres://USER:PASS@HOST/DB bench/postgres.sh
#        N=1000 DUR=10s by default. The folio tables in PGURL are replaced.
# Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGURL:?set PGURL to a PostgreSQL database the benchmark may overwrite}"
N=${N:-1000}
DUR=${DUR:-10s}
WORK=${WORK:-$(mktemp -d)}
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)"; exit 2; }
go build -o "$WORK/folio" ./cmd/folio
F="$WORK/folio"
LITE="sqlite:$WORK/site.db"

printf 'bench password\n' | "$F" user add --database "$LITE" --name Bench --email bench@example.com --role admin >/dev/null
"$F" dev seed --database "$LITE" --posts "$N" --replies $((N * 5)) >&2
"$F" settings set --database "$LITE" comment_min_seconds=0 comment_per_minute=0 comment_moderation=${MODERATION:-approve_all} >/dev/null
"$F" db copy --from "$LITE" --to "$PGURL" --replace >/dev/null

pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap stop_all EXIT
serve() { # DB PORT
	"$F" serve --database "$1" --data "$WORK/data-$2" --addr "127.0.0.1:$2" --log-level error >/dev/null 2>&1 &
	pids+=($!)
	until curl -sf -o /dev/null "http://127.0.0.1:$2/"; do sleep 0.02; done
}

# wrk against each port at once, connections split; prints "req/s p99"
# (requests summed, the worst p99).
load() { # PATH SCRIPT PORT...
	local path=$1 script=$2
	shift 2
	local c=$((32 / $#)) i=0 ws=()
	for port in "$@"; do
		WRK_ID=$port wrk -t1 -c"$c" -d"$DUR" --latency ${script:+-s "$script"} "http://127.0.0.1:$port$path" >"$WORK/wrk-$i" 2>&1 &
		ws+=($!)
		i=$((i + 1))
	done
	wait "${ws[@]}"
	cat "$WORK"/wrk-* | awk '
		/Requests\/sec/ {r += $2}
		/ 99%/ {v = $2; ms = v + 0; if (v ~ /us$/) ms /= 1000; else if (v ~ /[0-9]s$/) ms *= 1000; if (ms > p) p = ms}
		/Non-2xx/ {e += $NF}
		END {printf "%.0f %.2fms %d", r, p, e}'
	rm -f "$WORK"/wrk-*
}

row() { printf '| %-28s | %10s | %9s | %10s | %9s | %10s | %9s |\n' "$@"; }
echo
echo "### $N posts, $((N * 5)) replies; wrk, 32 connections in all, $DUR per run"
echo
row "store, processes" "post req/s" "post p99" "home req/s" "home p99" "replies/s" "reply p99"
row "---" "---" "---" "---" "---" "---" "---"
measure() { # LABEL DB PORT...
	local label=$1 db=$2
	shift 2
	for port in "$@"; do serve "$db" "$port"; done
	local post token id
	post=$(curl -s "http://127.0.0.1:$1/feed/atom/" | grep -o 'href="http://127.0.0.1:'"$1"'/[0-9][^"]*"' | head -1 | sed 's/href="http:\/\/127.0.0.1:'"$1"'//; s/"$//')
	page=$(curl -s "http://127.0.0.1:$1$post")
	id=$(grep -o 'name="comment_post_ID" value="[0-9]*"' <<<"$page" | grep -o '[0-9]*' | head -1)
	token=$(grep -o 'name="form_token" value="[^"]*"' <<<"$page" | sed 's/.*value="//; s/"$//' | head -1)
	read -r pr pp _ <<<"$(load "$post" "" "$@")"
	read -r hr hp _ <<<"$(load / "" "$@")"
	read -r rr rp re <<<"$(POST_ID=$id FORM_TOKEN=$token load "$post" bench/reply.lua "$@")"
	[ "$re" = 0 ] || rr="$rr ($re refused)"
	row "$label" "$pr" "$pp" "$hr" "$hp" "$rr" "$rp"
	stop_all
}
measure "SQLite, 1" "$LITE" 18090
measure "PostgreSQL, 1" "$PGURL" 18090
measure "PostgreSQL, 2" "$PGURL" 18090 18091
