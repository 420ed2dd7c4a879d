#!/usr/bin/env bash
# Live acceptance on San Francisco (issue 12): `baton serve` on the calibrated SF network (speeds fitted on
# 2008-05-18..20) with 500 cars, greedy, its clock starting at 07:00 at 20x real time; `baton emulate` with 500 cars
# replaying the requests of Wed 2008-05-21 07:00-10:00 over HTTP + WebSocket; then `baton simulate` on the same
# scenario and preset. Writes bench/results/live-sf-emulate.json and live-sf-simulate.json (about 12 min wall + set-up).
set -euo pipefail
cd "$(dirname "$0")/.."
SF=../shared/data/san-francisco
TRIPS=$SF/sf_trips_2008-05-18_to_05-24.csv.gz
W=/tmp/baton-live-sf
OUT=bench/results
SPEED=${SPEED:-20}
FLEET=${FLEET:-500}
PORT=${PORT:-18480}
mkdir -p "$W" "$OUT"
baton() { node --import tsx src/cli/main.ts "$@"; }
[ -f $W/sf.baton ] || baton network build "$SF" -o $W/sf.baton
[ -f $W/sf-calibrated.baton ] || baton calibrate $W/sf.baton --trips $TRIPS --format sf-cabspotting --dates 2008-05-18..2008-05-20 --write-network $W/sf-calibrated.baton > /dev/null
NET=$W/sf-calibrated.baton
SCENARIO=(--network $NET --trips $TRIPS --format sf-cabspotting --date 2008-05-21 --window 07:00-10:00)
rm -rf $W/data
# The key first (it creates the store); then serve and emulate start together: emulate retries until serve listens, so
# the replay starts close to the server's 07:00 (the offset it prints is the load-time difference between the two).
KEY=$(baton token create --role operator --subject live-sf --data-dir $W/data)
node --import tsx src/cli/main.ts serve --port $PORT --data-dir $W/data --fleet $FLEET --dispatcher greedy --speed $SPEED --start 07:00 --hold "${SCENARIO[@]}" > $W/serve.log 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
baton emulate --url http://127.0.0.1:$PORT --operator-key "$KEY" --cars $FLEET --speed $SPEED "${SCENARIO[@]}" --json $OUT/live-sf-emulate.json
baton simulate "${SCENARIO[@]}" --fleet $FLEET --dispatcher greedy --json $OUT/live-sf-simulate.json
node -e "const e=require('./$OUT/live-sf-emulate.json'),s=require('./$OUT/live-sf-simulate.json');const k=s.kpis??s;console.log('within 5 min: live',e.kpis.within5MinPct.toFixed(1),'simulate',k.within5MinPct.toFixed(1))"
