#!/usr/bin/env bash
# Measures the real window under Xvfb, for each renderer:
#   1. launch to first frame (5 launches, CERTWIZ_FRAME_STATS's "first frame N ms after launch"),
#   2. idle CPU: the window open and untouched, CPU time used over 10 s (from /proc/PID/stat),
#   3. the slowest frame while a check against the silent-listener lab runs (it waits out its
#      timeouts, so the spinner and the seconds keep repainting), and the idle CPU after it.
# Needs Xvfb (apt-get install -y xvfb). Usage: bash benches/gui-measure.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=target/release/certwiz
display=":$((70 + RANDOM % 20))"
Xvfb "$display" -screen 0 1400x950x24 -noreset >/dev/null 2>&1 &
xvfb=$!
app=""
trap 'kill $app $xvfb 2>/dev/null || true' EXIT
sleep 1
export DISPLAY="$display" CERTWIZ_FRAME_STATS=1
ticks=$(getconf CLK_TCK)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Starts certwiz with a clean profile; sets $app and $log.
launch() {
    state=$(mktemp -d)
    log=$(mktemp)
    XDG_DATA_HOME="$state" XDG_CONFIG_HOME="$state" "$bin" gui "$@" >"$log" 2>&1 &
    app=$!
}

wait_for() {
    for _ in $(seq 400); do
        if grep -q "$1" "$log"; then return 0; fi
        sleep 0.1
    done
    echo "timed out waiting for '$1'"; cat "$log"; return 1
}

stop() { kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; app=""; }

idle_cpu() {
    sleep 3
    local a b
    a=$(cpu_ticks "$app")
    sleep 10
    b=$(cpu_ticks "$app")
    awk -v d="$((b - a))" -v t="$ticks" 'BEGIN { printf "%.2f%% of one core (%d ticks of 1/%d s in 10 s)", 100 * d / t / 10, d, t }'
}

for renderer in glow wgpu; do
    echo "== $renderer"
    firsts=""
    for _ in 1 2 3 4 5; do
        launch --renderer "$renderer"
        wait_for "first frame"
        firsts="$firsts $(grep -o 'first frame [0-9]* ms' "$log" | grep -o '[0-9]*')"
        stop
    done
    echo "launch to first frame (ms):$firsts"
    launch --renderer "$renderer"
    wait_for "first frame"
    echo "idle CPU, window open: $(idle_cpu)"
    stop
    launch --renderer "$renderer" --lab silent-listener --run
    started=$(date +%s.%N)
    wait_for "frame stats"
    ended=$(date +%s.%N)
    awk -v a="$started" -v b="$ended" 'BEGIN { printf "silent-listener check took %.1f s\n", b - a }'
    grep "frame stats" "$log"
    echo "idle CPU after the check: $(idle_cpu)"
    stop
done
