#!/usr/bin/env bash
# Process-to-process: one `certwiz check` (connect, handshake, mutual TLS, two browses, path analysis)
# against what an admin would run by hand: `openssl s_client -connect` then `curl -k`, one after the
# other, against the same in-process healthy lab server. Needs openssl and curl; uses hyperfine when
# installed, else a plain loop of RUNS runs each.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-50}
cargo build --release --quiet
BIN=target/release/certwiz
DIR=$(mktemp -d)
"$BIN" lab healthy --dir "$DIR" > "$DIR/lab.out" &
LAB=$!
trap 'kill $LAB 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do grep -q Press "$DIR/lab.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -o '127.0.0.1:[0-9]*' "$DIR/lab.out" | head -1 | cut -d: -f2)
CERTWIZ="$BIN check pool01.lab.test --address 127.0.0.1 --port $PORT --ca $DIR/lab-root.pem --client-cert $DIR/lab-client.pem --client-key $DIR/lab-client.key --json"
BYHAND="openssl s_client -connect 127.0.0.1:$PORT -servername pool01.lab.test -CAfile $DIR/lab-root.pem -cert $DIR/lab-client.pem -key $DIR/lab-client.key </dev/null >/dev/null 2>&1; curl -k -s -o /dev/null --resolve pool01.lab.test:$PORT:127.0.0.1 --cert $DIR/lab-client.pem --key $DIR/lab-client.key https://pool01.lab.test:$PORT/LiveServer/MCUFactory/"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs "$RUNS" -N "$CERTWIZ" 2>/dev/null || hyperfine --warmup 3 --runs "$RUNS" "$CERTWIZ"
  hyperfine --warmup 3 --runs "$RUNS" "$BYHAND"
else
  t() { local s e; s=$(date +%s%N); for _ in $(seq "$RUNS"); do bash -c "$1" >/dev/null 2>&1 || true; done; e=$(date +%s%N); echo "$(( (e - s) / RUNS / 1000 )) µs per run: $2"; }
  t "$CERTWIZ" "certwiz check"
  t "$BYHAND" "openssl s_client + curl -k"
fi
