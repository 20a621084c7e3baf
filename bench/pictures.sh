#!/usr/bin/env bash
# Pictures: uploads each picture to a fresh folio serve on SQLite as the
# editor does, then asks for every copy at once, and prints the time the
# upload took to be acknowledged, the time until every copy was served
# (the copies are made after the acknowledgement, or on the first
# request, which waits for that run), and the server's peak RSS (VmHWM)
# idle and after.
# Usage: bench/pictures.sh
#        PICTURES="4000x3000 7740x5160 4470x4470:png" by default: a
#        12-megapixel phone photo, the largest JPEG the library decodes,
#        and the largest 8-bit PNG with alpha.
set -euo pipefail
cd "$(dirname "$0")/.."
PICTURES=${PICTURES:-"4000x3000 7740x5160 4470x4470:png"}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT
go build -o "$WORK/folio" ./cmd/folio
go build -o "$WORK/photo" ./bench/photo
F="$WORK/folio"
port=18400
for spec in $PICTURES; do
	size=${spec%%:*}; kind=jpg; [ "$spec" != "$size" ] && kind=${spec#*:}
	file="$WORK/$size.$kind"
	"$WORK/photo" "${size%x*}" "${size#*x}" "$file" "$kind"
	data="$WORK/site-$size"
	printf 'bench password\n' | "$F" user add --data "$data" --name Bench --email bench@example.com --role admin >/dev/null
	port=$((port + 1))
	"$F" serve --data "$data" --addr "127.0.0.1:$port" --log-level warn >"$WORK/log" 2>&1 &
	pid=$!
	site="http://127.0.0.1:$port"
	for _ in $(seq 50); do curl -sf "$site/healthz" >/dev/null && break; sleep 0.1; done
	jar="$WORK/jar-$size"
	token() { curl -s -c "$jar" -b "$jar" "$site$1" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | cut -d'"' -f4; }
	curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$(token /admin/login)" \
		-d "email=bench@example.com" --data-urlencode "password=bench password" "$site/admin/login"
	t=$(token /admin/media)
	idle=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
	start=$(date +%s.%N)
	answer=$(curl -s -c "$jar" -b "$jar" -H 'Accept: application/json' -F "csrf_token=$t" -F "file=@$file" \
		-w '\n%{http_code} %{time_total}' "$site/admin/media")
	read -r code took <<<"$(tail -1 <<<"$answer")"
	url=$(grep -o '"url":"[^"]*"' <<<"$answer" | cut -d'"' -f4)
	if [ "$code" != 201 ]; then
		echo "$size $kind: upload answered $code: $(head -1 <<<"$answer")"
		kill "$pid"; continue
	fi
	key=$(cut -d/ -f3 <<<"$url"); name=$(cut -d/ -f4 <<<"$url")
	for w in 480 800 1200 1600; do curl -s -o /dev/null "$site/media/$key/$w/$name" & done
	curl -s -o /dev/null "$site$url"
	wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
	ready=$(echo "$(date +%s.%N) - $start" | bc)
	peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
	printf '%-10s %-4s %6.1f MB  acknowledged %.2f s  every copy served %.2f s  peak RSS %d MiB (idle %d MiB)\n' \
		"$size" "$kind" "$(echo "$(stat -c %s "$file") / 1000000" | bc -l)" "$took" "$ready" $((peak / 1024)) $((idle / 1024))
	kill "$pid"; wait "$pid" 2>/dev/null || true
done
