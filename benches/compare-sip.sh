#!/usr/bin/env bash
# Process-to-process on a SIP port: one `certwiz check --protocol sip` (handshake, mutual TLS, one SIP
# OPTIONS, path analysis) against what an admin would type by hand: `openssl s_client -quiet` with the
# client certificate and an OPTIONS on stdin, against the same in-process `sip-healthy` lab server
# (which answers one request a connection and closes, so s_client ends with the answer). Uses
# farm-bench when installed (A and B in turn), else hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
cargo build --release --quiet
BIN=target/release/certwiz
DIR=$(mktemp -d)
"$BIN" lab sip-healthy --dir "$DIR" > "$DIR/lab.out" &
LAB=$!
trap 'kill $LAB 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do grep -q Press "$DIR/lab.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -o '127.0.0.1:[0-9]*' "$DIR/lab.out" | head -1 | cut -d: -f2)
printf 'OPTIONS sip:pool01.lab.test:%s;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5555;branch=z9hG4bKbench1;rport\r\nMax-Forwards: 70\r\nFrom: <sip:admin@127.0.0.1>;tag=b1\r\nTo: <sip:pool01.lab.test:%s>\r\nCall-ID: bench1@admin\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' "$PORT" "$PORT" > "$DIR/options.txt"
CERTS="-cert $DIR/lab-client.pem -cert_chain $DIR/lab-client.pem -key $DIR/lab-client.key"
BYHAND="openssl s_client -quiet -connect 127.0.0.1:$PORT -servername pool01.lab.test $CERTS < $DIR/options.txt > /dev/null 2>&1"
CERTWIZ="$BIN check pool01.lab.test --address 127.0.0.1 --port $PORT --protocol sip --ca $DIR/lab-root.pem --client-cert $DIR/lab-client.pem --client-key $DIR/lab-client.key --json"
if command -v farm-bench >/dev/null; then
  # shellcheck disable=SC2086
  farm-bench -n "$RUNS" --warmup 2 --vs "sh -c '$BYHAND'" -- $CERTWIZ
else
  hyperfine --warmup 3 --runs "$RUNS" "$CERTWIZ > /dev/null" "$BYHAND"
fi
