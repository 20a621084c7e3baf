#!/usr/bin/env bash
# Soak: holds folio under 256 connections of mixed load (cached pages,
# searches, replies, administrator writes) for DUR on each setup, and
# prints 5xx, p99 and each process's RSS every 10 s:
#   sqlite   one process on SQLite
#   pg       one process on PostgreSQL
#   pg2      two processes on one PostgreSQL database; one is killed
#            (SIGKILL) half-way through and started again 5 s later
# Usage: PGURL=postgres://USER:PASS@HOST/DB bench/soak.sh
#        SETUPS="sqlite pg pg2" DUR=10m N=1000 C=256 by default; the folio
#        tables in PGURL are replaced. Not part of the tests: it takes DUR
#        per setup.
set -euo pipefail
cd "$(dirname "$0")/.."
SETUPS=${SETUPS:-"sqlite pg pg2"}
DUR=${DUR:-10m}
N=${N:-1000}
C=${C:-256}
WORK=${WORK:-$(mktemp -d)}
go build -o "$WORK/folio" ./cmd/folio
go build -o "$WORK/soak" ./bench/soak
F="$WORK/folio"

seed() { # DB
	printf 'bench password\n' | "$F" user add --database "$1" --name Bench --email bench@example.com --role admin >/dev/null
	"$F" dev seed --database "$1" --posts "$N" --replies $((N * 5)) >/dev/null
	"$F" settings set --database "$1" comment_min_seconds=0 comment_per_minute=0 comment_moderation=approve_all >/dev/null
}

pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap stop_all EXIT
serve() { # DB PORT
	"$F" serve --database "$1" --data "$WORK/data-$2" --addr "127.0.0.1:$2" --log-level error >>"$WORK/serve-$2.log" 2>&1 &
	echo $! >"$WORK/pid-$2"
	pids+=($!)
	until curl -sf -o /dev/null "http://127.0.0.1:$2/healthz"; do sleep 0.05; done
}

# seconds DUR: 10m -> 600
seconds() { local d=$1; case $d in *m) echo $((${d%m} * 60)) ;; *s) echo "${d%s}" ;; *) echo "$d" ;; esac; }

for setup in $SETUPS; do
	case $setup in
	sqlite)
		db="sqlite:$WORK/site-$RANDOM.db"
		ports=(18090)
		;;
	pg | pg2)
		: "${PGURL:?set PGURL to a PostgreSQL database the soak may overwrite}"
		db=$PGURL
		"$F" db copy --from "sqlite:$WORK/empty-$RANDOM.db" --to "$PGURL" --replace >/dev/null
		ports=(18090)
		[ "$setup" = pg2 ] && ports=(18090 18091)
		;;
	*) echo "soak: unknown setup $setup" >&2; exit 2 ;;
	esac
	seed "$db"
	sites=() files=()
	for port in "${ports[@]}"; do
		serve "$db" "$port"
		sites+=("http://127.0.0.1:$port")
		files+=("$WORK/pid-$port")
	done
	echo "## $setup: $N posts, $((N * 5)) replies, ${#ports[@]} process(es), $C connections, $DUR"
	if [ "$setup" = pg2 ]; then
		(
			sleep $(($(seconds "$DUR") / 2))
			kill -9 "$(cat "$WORK/pid-18091")"
			echo "# killed the process on 18091 (SIGKILL); starting it again in 5 s"
			sleep 5
			"$F" serve --database "$db" --data "$WORK/data-18091" --addr 127.0.0.1:18091 --log-level error >>"$WORK/serve-18091.log" 2>&1 &
			echo $! >"$WORK/pid-18091"
			echo "# started again as $!"
		) &
		killer=$!
	fi
	"$WORK/soak" -sites "$(IFS=,; echo "${sites[*]}")" -pidfiles "$(IFS=,; echo "${files[*]}")" -c "$C" -d "$DUR"
	if [ "$setup" = pg2 ]; then
		wait "$killer"
		kill "$(cat "$WORK/pid-18091")" 2>/dev/null || true
	fi
	stop_all
	echo
done
