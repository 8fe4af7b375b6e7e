#!/usr/bin/env bash
# Windows smoke test under Wine: cross-builds the release certwiz.exe (x86_64-pc-windows-gnu) and runs
# it under Debian's wine64: --version, inspect on the practice lab's files, port-owner, a check with
# mutual TLS against a practice server on loopback, the certificate stores as Wine's crypt32 serves them
# (after test certificates were added there through CryptoAPI by examples/store_fixture.rs: two roots,
# two issuing CAs, one of them set to "Server Authentication only", and a client certificate under it
# imported from a PFX with its key and a friendly name), check --store-cert, which signs with that store key through CNG, and
# port-owner's reading of an HTTP.SYS binding made as IIS makes it.
#
# Debian's Wine 8 lacks bcryptprimitives.dll (ProcessPrng, which Rust's std calls for randomness): a
# small stub built here with MinGW, over advapi32's RtlGenRandom, is put beside the .exe. Test use only.
#
# Installs what is missing (rustup target, gcc-mingw-w64-x86-64, wine64, openssl) with rustup and apt.
# Results: target/windows-smoke/results.txt. Exit 1 when a required step fails; the store-key signing
# step is reported either way (it depends on Wine's CNG, see the README).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=x86_64-pc-windows-gnu
out=$root/target/windows-smoke
mkdir -p "$out"
results=$out/results.txt
: >"$results"
started=$(date +%s)

need_apt=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need_apt+=(gcc-mingw-w64-x86-64)
command -v wine64 >/dev/null || [ -x /usr/lib/wine/wine64 ] || need_apt+=(wine64)
command -v openssl >/dev/null || need_apt+=(openssl)
if [ ${#need_apt[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null; then
        echo "windows-smoke: SKIPPED: needs ${need_apt[*]} and there is no apt-get"
        exit 0
    fi
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "== installing ${need_apt[*]} (apt)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    echo "== rustup target add $target"
    rustup target add "$target"
fi
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)

echo "== cargo build --release --target $target (certwiz.exe, store_fixture.exe)"
cargo build --release --target "$target" --bin certwiz --example store_fixture || exit 1
echo "== cargo build --release (the Linux certwiz that plays the practice server)"
cargo build --release --bin certwiz || exit 1

echo "== bcryptprimitives.dll stub (MinGW)"
cat >"$out/bcryptprimitives.c" <<'C'
/* Test-only stand-in for Windows 10's bcryptprimitives.dll, which Debian's Wine 8 lacks. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
C
printf 'LIBRARY bcryptprimitives\nEXPORTS\n    ProcessPrng\n' >"$out/bcryptprimitives.def"
x86_64-w64-mingw32-gcc -shared -O2 -o "$out/bcryptprimitives.dll" \
    "$out/bcryptprimitives.c" "$out/bcryptprimitives.def" -ladvapi32 || exit 1
cp "target/$target/release/certwiz.exe" "target/$target/release/examples/store_fixture.exe" "$out/"

export WINEPREFIX=$out/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
echo "== a new Wine prefix ($($wine --version))"
rm -rf "$WINEPREFIX"
$wine wineboot --init >/dev/null 2>&1
winpath() { echo "Z:${1//\//\\}"; }

failed=0
# step NAME REQUIRED COMMAND...: runs under Wine, records exit code, time and the first output.
# REQUIRED: yes (certwiz: 0 or 1, a verdict, is fine), strict (a fixture: only 0), no (reported only).
step() {
    local name=$1 required=$2
    shift 2
    local log=$out/$name.log
    local t0
    t0=$(date +%s%N)
    "$@" >"$log" 2>&1
    local code=$?
    local ms=$((($(date +%s%N) - t0) / 1000000))
    printf '%-28s exit %-3s %6s ms  %s\n' "$name" "$code" "$ms" "$(head -c 160 "$log" | tr '\n' ' ')" | tee -a "$results"
    echo "$code" >"$out/$name.code"
    if [ "$required" = yes ] && [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then failed=1; fi
    if [ "$required" = strict ] && [ "$code" -ne 0 ]; then failed=1; fi
    return 0
}

# The practice lab (Linux) on loopback, with its files.
lab=$out/lab
rm -rf "$lab"
mkdir -p "$lab"
"$root/target/release/certwiz" lab healthy --dir "$lab" >"$out/lab.log" 2>&1 &
lab_pid=$!
trap 'kill $lab_pid 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q "certwiz lab:" "$out/lab.log" && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/lab.log" | head -1)
if [ -z "$port" ]; then
    echo "windows-smoke: FAILED: the practice lab did not start"
    cat "$out/lab.log"
    exit 1
fi

step version yes $wine "$out/certwiz.exe" --version
grep -q "certwiz" "$out/version.log" || failed=1
step inspect yes $wine "$out/certwiz.exe" inspect "$(winpath "$lab/lab-client.pem")" \
    --ca "$(winpath "$lab/lab-root.pem")" --json
step port-owner no $wine "$out/certwiz.exe" port-owner "$port" --json
step check-mtls-files yes $wine "$out/certwiz.exe" check pool01.lab.test --address 127.0.0.1 \
    --port "$port" --ca "$(winpath "$lab/lab-root.pem")" --client-cert "$(winpath "$lab/lab-client.pem")" \
    --client-key "$(winpath "$lab/lab-client.key")" --json

# Test certificates into Wine's Local Machine stores, through CryptoAPI.
openssl x509 -in "$lab/lab-root.pem" -outform der -out "$out/root.cer"
awk 'BEGIN{n=0} /BEGIN CERT/{n++} n==2' "$lab/lab-client.pem" | openssl x509 -outform der -out "$out/issuing.cer"
# Wine's PFX import takes RSA keys only (the lab's are ECDSA), in the legacy 3DES encoding: the RSA
# test PKI of tests/data/openssl gives the client certificate for the store-key step.
data=$root/tests/data/openssl
openssl pkcs12 -export -legacy -in "$data/rsa-leaf.pem" -inkey "$data/rsa-leaf.key" -passout pass: \
    -out "$out/client.pfx" 2>/dev/null
openssl x509 -in "$data/rsa-root.pem" -outform der -out "$out/rsa-root.cer"
openssl x509 -in "$data/rsa-issuing.pem" -outform der -out "$out/rsa-issuing.cer"
step fixture-root strict $wine "$out/store_fixture.exe" cert Root "$(winpath "$out/root.cer")"
step fixture-issuing strict $wine "$out/store_fixture.exe" cert CA "$(winpath "$out/issuing.cer")"
step fixture-rsa-root strict $wine "$out/store_fixture.exe" cert Root "$(winpath "$out/rsa-root.cer")"
# The classic incident: the issuing CA above the server's certificate set to Server Authentication only.
step fixture-rsa-issuing strict $wine "$out/store_fixture.exe" cert CA "$(winpath "$out/rsa-issuing.cer")" --only-server-auth
step fixture-pfx no $wine "$out/store_fixture.exe" pfx "$(winpath "$out/client.pfx")" "certwiz smoke"
step store yes $wine "$out/certwiz.exe" store --json

# What the store listing must show: the restricted CA, and (when the PFX import worked) the key.
python3 - "$out/store.log" "$out/fixture-pfx.code" <<'PY' | tee -a "$results"
import json, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
doc = json.loads(text[text.index("{"):])
certs = doc["store"]["certificates"]
ca = [c for c in certs if c["store"] == "intermediate" and c["display_name"] == "Contoso OpenSSL Issuing CA"]
ids = [f["id"] for f in doc["findings"]]
ok = True
def say(cond, what):
    global ok
    print(("  ok    " if cond else "  FAIL  ") + what)
    ok &= cond
say(doc["store"]["kind"] == "windows-machine", "the Windows machine backend read the stores")
say(any(c["flags"]["store_property"] == {"setting": "only", "purposes": ["1.3.6.1.5.5.7.3.1"]} for c in ca),
    "the issuing CA's store property reads as 'only Server Authentication'")
pfx_ok = open(sys.argv[2]).read().strip() == "0"
if pfx_ok:
    # Raised for a CA above a Personal certificate with a key only.
    say("store.ca-purposes-restricted" in ids, "store.ca-purposes-restricted raised for the CA above the server's certificate")
roots = [c for c in certs if c["store"] == "root"]
print(f"  info  Root store: {len(roots)} certificates (Wine's own, from the host's, plus the two test roots)")
if pfx_ok:
    mine = [c for c in certs if c["store"] == "personal" and c.get("friendly_name") == "certwiz smoke"]
    say(bool(mine) and mine[0]["has_private_key"], "the imported certificate is in Personal with its key and friendly name")
    if mine:
        open(sys.argv[1] + ".thumbprint", "w").write(mine[0]["thumbprint_sha1"])
sys.exit(0 if ok else 1)
PY
[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1

# HTTP.SYS: an HTTPS binding on 0.0.0.0:444 as an IIS site makes it, then port-owner must name it. Wine 8's
# HTTP Server API configuration calls are stubs (the binding is not kept), so this is reported, not required.
step fixture-sslcert no $wine "$out/store_fixture.exe" sslcert 444 D675BA7686820E258F20788473867E84E42E11EC
step port-owner-444 no $wine "$out/certwiz.exe" port-owner 444 --json
if grep -q '"An IIS site holds port 444' "$out/port-owner-444.log"; then
    echo "  ok    port-owner read HTTP.SYS's binding and named IIS" | tee -a "$results"
else
    echo "  info  port-owner saw no HTTP.SYS binding (Wine 8 stubs HttpSetServiceConfiguration / HttpQueryServiceConfiguration)" | tee -a "$results"
fi

if [ -s "$out/store.log.thumbprint" ]; then
    # An RSA server that requires a client certificate from the RSA test root (OpenSSL on loopback).
    rsa_port=$((20000 + RANDOM % 20000))
    openssl s_server -accept "127.0.0.1:$rsa_port" -cert "$data/rsa-leaf.pem" -key "$data/rsa-leaf.key" \
        -cert_chain "$data/rsa-issuing.pem" -CAfile "$data/rsa-root.pem" -Verify 2 -www \
        >"$out/s_server.log" 2>&1 &
    server_pid=$!
    trap 'kill $lab_pid $server_pid 2>/dev/null' EXIT
    sleep 1
    step check-mtls-store-key no $wine "$out/certwiz.exe" check pool01.contoso.test --address 127.0.0.1 \
        --port "$rsa_port" --store-cert "$(cat "$out/store.log.thumbprint")" --json
    if grep -q '"tls.mtls-ok"' "$out/check-mtls-store-key.log"; then
        echo "  ok    mutual TLS signed by the store's key through CNG under Wine" | tee -a "$results"
    else
        echo "  info  mutual TLS with the store key did not complete under Wine (see check-mtls-store-key.log)" | tee -a "$results"
    fi
fi

echo "windows-smoke: $(( $(date +%s) - started )) s; results in $results"
if [ "$failed" -ne 0 ]; then
    echo "windows-smoke: FAILED"
    exit 1
fi
echo "windows-smoke: passed"
