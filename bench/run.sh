#!/usr/bin/env bash
# Measures folio against two anchors in one run on this machine:
#   - nginx serving the static copy that `folio build` writes of the same site,
#   - Hugo building the same content exported with `folio export markdown`
#     (when hugo is installed).
# Usage: bench/run.sh            sizes 1000 and 10000 posts, 10 s per wrk run
#        SIZES="1000" DUR=5s bench/run.sh
#        WORK=/tmp/bench SIZES="1000 10000 100000" bench/run.sh
#                                  (a site seeded in WORK before is used again)
# Needs wrk and nginx (apt-get install wrk nginx); hugo is optional.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000"}
DUR=${DUR:-10s}
WORK=${WORK:-$(mktemp -d)}
PORT=18080
NGINX_PORT=18081
for tool in wrk nginx; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install wrk nginx)"; exit 2; }
done
go build -o "$WORK/folio" ./cmd/folio
go build -o "$WORK/bytes" ./bench/bytes
F="$WORK/folio"
BYTES_PORT=18082
HEADERS_PORT=18083

# rps URL CONNS [SCRIPT] -> "requests/s p99"
rps() {
	wrk -t2 -c"$2" -d"$DUR" --latency ${3:+-s "$3"} "$1" 2>/dev/null | awk '
		/Requests\/sec/ {r=$2}
		/ 99%/ {p=$2}
		END {printf "%s %s", r, p}'
}

# cpu_per_request URL PID... -> the CPU time (user and system, µs) the
# processes spent per request answered during a wrk run at 32
# connections: unlike requests/s it does not move with what else the
# machine runs (wrk itself, neighbours of a virtual machine).
cpu_per_request() {
	local url=$1
	shift
	ticks() { for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{t += $1} END {print t}'; }
	local before n after
	before=$(ticks "$@")
	n=$(wrk -t2 -c32 -d"$DUR" "$url" 2>/dev/null | awk '/requests in/ {print $1}')
	after=$(ticks "$@")
	awk "BEGIN {printf \"%.1f\", ($after - $before) / $(getconf CLK_TCK) / $n * 1e6}"
}

row() { printf '| %-34s | %12s | %12s | %8s | %12s | %12s |\n' "$@"; }

for N in $SIZES; do
	data="$WORK/site-$N"
	echo "== $N posts (data in $data)" >&2
	# A site seeded by an earlier run in the same WORK folder is used
	# again (seeding 100,000 posts takes minutes); its copies are not.
	rm -rf "$WORK/out-$N" "$WORK/outpc-$N" "$WORK/md-$N" "$WORK/hugo-$N"
	if [ ! -e "$data/folio.db" ]; then
		printf 'bench password\n' | "$F" user add --data "$data" --name Bench --email bench@example.com --role admin >/dev/null
		"$F" dev seed --data "$data" --posts "$N" --replies $((N * 5)) >&2
	fi
	# Replies from wrk: no pause before sending, no limit per address.
	"$F" settings set --data "$data" comment_min_seconds=0 comment_per_minute=0 >/dev/null

	# Start-up to the first served page.
	t0=$(date +%s%N)
	"$F" serve --data "$data" --addr 127.0.0.1:$PORT --log-level error >/dev/null 2>&1 &
	pid=$!
	until curl -sf -o /dev/null http://127.0.0.1:$PORT/; do sleep 0.01; done
	startup_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

	# The newest post carries the most replies; a tag page; the feed.
	post=$(curl -s http://127.0.0.1:$PORT/feed/atom/ | grep -o 'href="http://127.0.0.1:'$PORT'/[0-9][^"]*"' | head -1 | sed 's/href="http:\/\/127.0.0.1:'$PORT'//; s/"$//')
	replies=$(curl -s "http://127.0.0.1:$PORT$post" | grep -c 'class="comment' || true)
	declare -A urls=([post]="$post" [home]="/" [tag]="/tag/$(curl -s http://127.0.0.1:$PORT$post | grep -o 'href="/tag/[^/]*/' | head -1 | sed 's|href="/tag/||')/" [atom]="/feed/atom/" [search]="/search?q=river+garden")
	for u in "${urls[@]}"; do curl -s -o /dev/null "http://127.0.0.1:$PORT$u"; done

	# Static copy, served by nginx.
	t0=$(date +%s%N)
	# The full build's peak memory, where GNU time is installed.
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$WORK/build-rss-$N" "$F" build --data "$data" --out "$WORK/out-$N" >/dev/null
		build_rss="$(( $(cat "$WORK/build-rss-$N") / 1024 )) MiB"
	else
		"$F" build --data "$data" --out "$WORK/out-$N" >/dev/null
		build_rss="not measured (no /usr/bin/time)"
	fi
	build_s=$(awk "BEGIN {print ($(date +%s%N) - $t0) / 1e9}")
	# The same with .gz and .br siblings of every text file.
	t0=$(date +%s%N)
	"$F" build --data "$data" --out "$WORK/outpc-$N" --precompress >/dev/null
	build_pc_s=$(awk "BEGIN {print ($(date +%s%N) - $t0) / 1e9}")
	"$F" export markdown --data "$data" "$WORK/md-$N" >/dev/null
	# A second build after editing one post: a post imported, built, then
	# its text changed and imported again.
	mkdir -p "$WORK/edit-$N"
	printf -- '---\ntitle: Edited between builds\ndate: 2020-01-01\ntags: [bench]\n---\nFirst text.\n' >"$WORK/edit-$N/edit.md"
	"$F" import markdown --data "$data" --author bench@example.com "$WORK/edit-$N/edit.md" >/dev/null
	"$F" build --data "$data" --out "$WORK/out-$N" >/dev/null
	sed -i 's/First text./Second text./' "$WORK/edit-$N/edit.md"
	"$F" import markdown --data "$data" --author bench@example.com "$WORK/edit-$N/edit.md" >/dev/null
	t0=$(date +%s%N)
	"$F" build --data "$data" --out "$WORK/out-$N" >/dev/null
	rebuild_s=$(awk "BEGIN {print ($(date +%s%N) - $t0) / 1e9}")
	cat >"$WORK/nginx-$N.conf" <<CONF
worker_processes auto;
error_log $WORK/nginx-error.log;
pid $WORK/nginx-$N.pid;
events { worker_connections 4096; }
http {
	include /etc/nginx/mime.types;
	access_log off;
	sendfile on;
	gzip_static on;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $WORK/out-$N;
		index index.html index.xml index.json;
	}
}
CONF
	nginx -c "$WORK/nginx-$N.conf"
	# The ceiling of Go's net/http: the post page's bytes, nothing else;
	# and the same with folio's headers and server timeouts.
	curl -s -o "$WORK/post-$N.html" "http://127.0.0.1:$PORT${urls[post]}"
	curl -sI -o "$WORK/post-$N.headers" "http://127.0.0.1:$PORT${urls[post]}"
	"$WORK/bytes" 127.0.0.1:$BYTES_PORT "$WORK/post-$N.html" &
	bytes_pid=$!
	"$WORK/bytes" 127.0.0.1:$HEADERS_PORT "$WORK/post-$N.html" "$WORK/post-$N.headers" &
	headers_pid=$!

	echo
	echo "### $N posts, $((N * 5)) replies; post page with $replies replies; wrk -t2, $DUR per run"
	echo
	row "page, connections" "folio req/s" "nginx req/s" "ratio" "folio p99" "nginx p99"
	row "---" "---" "---" "---" "---" "---"
	for name in post home tag atom search; do
		for c in 32 256; do
			read -r fr fp <<<"$(rps "http://127.0.0.1:$PORT${urls[$name]}" "$c")"
			if [ "$name" = search ]; then
				row "$name, $c" "$fr" "-" "-" "$fp" "-"
				if [ "$c" = 32 ]; then folio_search=$fr; fi
				continue
			fi
			read -r nr np <<<"$(rps "http://127.0.0.1:$NGINX_PORT${urls[$name]}" "$c")"
			ratio=$(awk "BEGIN {printf \"%.2f\", $fr / $nr}")
			row "$name, $c" "$fr" "$nr" "$ratio" "$fp" "$np"
			if [ "$c" = 32 ]; then
				eval "folio_${name}=$fr nginx_${name}=$nr p99_${name}=$fp"
			fi
		done
	done
	for c in 32 256; do
		read -r br bp <<<"$(rps "http://127.0.0.1:$BYTES_PORT/" "$c")"
		row "post bytes from bare net/http, $c" "$br" "-" "-" "$bp" "-"
		if [ "$c" = 32 ]; then bare32=$br; fi
		read -r hr hp <<<"$(rps "http://127.0.0.1:$HEADERS_PORT/" "$c")"
		row "the same with folio's headers, $c" "$hr" "-" "-" "$hp" "-"
		if [ "$c" = 32 ]; then headers32=$hr; fi
	done
	# Server CPU per request for the post page, each server alone.
	nginx_pids=$(cat "$WORK/nginx-$N.pid")
	nginx_pids="$nginx_pids $(pgrep -P "$nginx_pids" | tr '\n' ' ')"
	cpu_folio=$(cpu_per_request "http://127.0.0.1:$PORT${urls[post]}" "$pid")
	cpu_bare=$(cpu_per_request "http://127.0.0.1:$BYTES_PORT/" "$bytes_pid")
	cpu_headers=$(cpu_per_request "http://127.0.0.1:$HEADERS_PORT/" "$headers_pid")
	# shellcheck disable=SC2086 # one PID a word
	cpu_nginx=$(cpu_per_request "http://127.0.0.1:$NGINX_PORT${urls[post]}" $nginx_pids)
	row "post, server CPU µs a request, 32" "$cpu_folio" "$cpu_nginx" "-" "-" "-"
	row "bare net/http / with folio's headers" "$cpu_bare" "$cpu_headers" "-" "-" "-"
	kill "$bytes_pid" "$headers_pid"
	# Searches that miss the page cache: ten kinds in turn, 8 connections.
	search_p95=$(wrk -t1 -c8 -d"$DUR" -s bench/search.lua "http://127.0.0.1:$PORT/" 2>/dev/null | awk '/^p95/ {print $2}')
	read -r sr sp <<<"$(rps "http://127.0.0.1:$PORT/" 8 bench/search.lua)"
	row "search, not cached, 8" "$sr" "-" "-" "$sp" "-"
	# The post page alone and while such searches flood the server.
	read -r alone _ <<<"$(wrk -t1 -c32 -d"$DUR" "http://127.0.0.1:$PORT${urls[post]}" 2>/dev/null | awk '/Requests\/sec/ {print $2}')"
	wrk -t1 -c8 -d"$DUR" -s bench/search.lua "http://127.0.0.1:$PORT/" >/dev/null 2>&1 &
	flood=$!
	read -r flooded _ <<<"$(wrk -t1 -c32 -d"$DUR" "http://127.0.0.1:$PORT${urls[post]}" 2>/dev/null | awk '/Requests\/sec/ {print $2}')"
	wait "$flood"
	# Replies to the post, held for moderation (the default for new
	# writers), each with text of its own.
	id=$(grep -o 'name="comment_post_ID" value="[0-9]*"' "$WORK/post-$N.html" | grep -o '[0-9]*' | head -1)
	token=$(grep -o 'name="form_token" value="[^"]*"' "$WORK/post-$N.html" | sed 's/.*value="//; s/"$//' | head -1)
	read -r rr rp <<<"$(POST_ID=$id FORM_TOKEN=$token WRK_ID=$N rps "http://127.0.0.1:$PORT${urls[post]}" 32 bench/reply.lua)"
	row "reply submission, 32" "$rr" "-" "-" "$rp" "-"
	rss=$(ps -o rss= -p "$pid" | awk '{printf "%.0f", $1 / 1024}')
	kill "$pid"
	nginx -c "$WORK/nginx-$N.conf" -s stop

	hugo_s="not installed"
	if command -v hugo >/dev/null; then
		mkdir -p "$WORK/md-$N/layouts/_default"
		printf 'baseURL = "http://example.org/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term"]\n' >"$WORK/md-$N/hugo.toml"
		echo '<!doctype html><title>{{ .Title }}</title><h1>{{ .Title }}</h1>{{ .Content }}' >"$WORK/md-$N/layouts/_default/single.html"
		echo '<!doctype html><title>{{ .Title }}</title>{{ range .Paginator.Pages }}<h2>{{ .Title }}</h2>{{ .Summary }}{{ end }}' >"$WORK/md-$N/layouts/_default/list.html"
		t0=$(date +%s%N)
		hugo --quiet -s "$WORK/md-$N" -d "$WORK/hugo-$N" >/dev/null 2>&1 || true
		hugo_s=$(awk "BEGIN {print ($(date +%s%N) - $t0) / 1e9}")
	fi
	ratio() { awk "BEGIN {printf \"%.2f\", $1 / $2}"; }
	echo
	echo "Against the targets ($N posts):"
	echo
	printf '| %-52s | %-24s | %-10s |\n' "Measure" "Figure" "Target"
	printf '| %-52s | %-24s | %-10s |\n' "---" "---" "---"
	printf '| %-52s | %-24s | %-10s |\n' \
		"full build / Hugo's" "$(ratio "$build_s" "${hugo_s/not installed/0}" 2>/dev/null || echo -)" "≤ 0.25" \
		"peak RSS of the full build" "$build_rss" "≤ 512 MiB" \
		"build after editing one post" "$rebuild_s s" "< 1 s" \
		"cached post / bare net/http, 32" "$(ratio "$folio_post" "$bare32")" "≥ 0.95" \
		"cached post / bare net/http with folio's headers, 32" "$(ratio "$folio_post" "$headers32")" "-" \
		"bare net/http's CPU a request / folio's (post, 32)" "$(ratio "$cpu_bare" "$cpu_folio") ($cpu_bare / $cpu_folio µs)" "≥ 0.95" \
		"the same, bare with folio's headers / folio" "$(ratio "$cpu_headers" "$cpu_folio") ($cpu_headers / $cpu_folio µs)" "-" \
		"nginx's CPU a request / folio's (post, 32)" "$(ratio "$cpu_nginx" "$cpu_folio") ($cpu_nginx / $cpu_folio µs)" "≥ 1.0" \
		"cached post / nginx, 32" "$(ratio "$folio_post" "$nginx_post")" "≥ 1.0" \
		"cached post p99, 32" "$p99_post" "≤ 2 ms" \
		"search not cached, p95 (8 connections)" "$search_p95" "≤ 10 ms" \
		"search repeated (from the cache), req/s" "$folio_search" "≥ 1,000" \
		"post req/s during a search flood / alone (wrk -t1)" "$(ratio "$flooded" "$alone") ($flooded / $alone)" "-"
	echo
	echo "- folio build: ${build_s} s full (${build_pc_s} s with --precompress), ${rebuild_s} s after editing one post, peak RSS of the full build ${build_rss}; Hugo build of the same content: ${hugo_s} s"
	echo "- start-up to the first served page: ${startup_ms} ms; folio RSS after the runs: ${rss} MiB"
done
