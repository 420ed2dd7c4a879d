#!/usr/bin/env bash
# The optimiser acceptance runs on San Francisco: for each day, speeds calibrated on the days before it, then the
# smallest fleet giving 95 % of requests picked up within 5 min for greedy and for the best preset, and both presets'
# KPIs at greedy's fleet. Writes bench/results/acceptance-*.json. Takes a long time (≈ 1 h on 2 cores).
# BEST=pooled+rebalance measures another preset; KEEP_GREEDY=1 reuses greedy's fleet results already written (greedy
# and the calibration do not change when only an optimiser does).
set -euo pipefail
cd "$(dirname "$0")/.."
SF=../shared/data/san-francisco
TRIPS=$SF/sf_trips_2008-05-18_to_05-24.csv.gz
OUT=bench/results
BEST=${BEST:-batch+rebalance}
mkdir -p "$OUT" /tmp/baton-acceptance
baton() { node --import tsx src/cli/main.ts "$@"; }
[ -f /tmp/baton-acceptance/sf.baton ] || baton network build "$SF" -o /tmp/baton-acceptance/sf.baton
NET=/tmp/baton-acceptance/sf.baton
for spec in "2008-05-21 2008-05-18..2008-05-20" "2008-05-24 2008-05-18..2008-05-23"; do
  set -- $spec
  day=$1 fit=$2
  factors=/tmp/baton-acceptance/factors-$day.json
  common=(--network $NET --trips $TRIPS --format sf-cabspotting --date $day --speed-factors $factors --max-wait 600)
  if [ "${KEEP_GREEDY:-0}" != 1 ] || [ ! -f $factors ] || [ ! -f $OUT/acceptance-fleet-greedy-$day.json ]; then
    baton calibrate $NET --trips $TRIPS --format sf-cabspotting --dates $fit --holdout $day --out $factors --json > $OUT/acceptance-calibration-$day.json
    baton fleet-size "${common[@]}" --dispatcher greedy --target 0.95 --within 300 --json $OUT/acceptance-fleet-greedy-$day.json
  fi
  baton fleet-size "${common[@]}" --dispatcher $BEST --target 0.95 --within 300 --no-bound --json $OUT/acceptance-fleet-$BEST-$day.json
  gfleet=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$OUT/acceptance-fleet-greedy-$day.json')).fleet)")
  baton compare "${common[@]}" --dispatchers greedy,$BEST --fleet $gfleet --json $OUT/acceptance-compare-$BEST-$day.json
done
