#!/usr/bin/env bash
# Tests scripts/release.sh: runs it into a temporary folder and checks what it made against tools that
# are not certwiz's (sha256sum -c, tar, Python's zipfile, osslsigncode verify, openssl).
#   - every artifact is listed in SHA256SUMS and `sha256sum -c` accepts them; a changed byte is caught
#   - each archive holds exactly the expected files in one folder
#   - the Linux certwiz runs from the unpacked folder, from any working directory (portable)
#   - THIRD-PARTY-LICENSES.txt names the crates compiled in and carries OpenSSL's licence
#   - signing: a throwaway self-signed code-signing certificate (openssl, extendedKeyUsage=codeSigning,
#     in a PFX whose password is only in an environment variable) signs Windows programs through
#     scripts/sign-exe.sh; `osslsigncode verify -CAfile` accepts them with that root and refuses them
#     with another; the password appears in no output
# Usage: scripts/release-test.sh [--skip-windows]
#   --skip-windows  (CI) the Linux archive only, reusing the release build; the signing is then tested
#                   on a small Windows program built here with MinGW instead of certwiz.exe
#   without it      (by hand) the full release: both archives, certwiz.exe and certwiz.com signed
# Installs osslsigncode (apt) when missing. Exit 0 when every check held; prints one line per check.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
skip_windows=""
[ "${1:-}" = --skip-windows ] && skip_windows=yes
started=$(date +%s)

if ! command -v osslsigncode >/dev/null; then
    echo "== installing osslsigncode (apt)"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        --no-install-recommends osslsigncode >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() { # check NAME COMMAND...
    local name=$1
    shift
    if "$@" >"$tmp/check.log" 2>&1; then
        echo "ok   $name"; passed=$((passed + 1))
    else
        echo "FAIL $name"; sed 's/^/     /' "$tmp/check.log" | head -20; failed=$((failed + 1))
    fi
}

# The throwaway code-signing certificate, and an unrelated one for the negative control.
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export CERTWIZ_TEST_PFX_PASSWORD=$password
for name in signer other; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=certwiz release test $name" \
        -addext "basicConstraints=critical,CA:false" -addext "keyUsage=critical,digitalSignature" \
        -addext "extendedKeyUsage=codeSigning" -keyout "$tmp/$name.key" -out "$tmp/$name.pem" 2>/dev/null
done
openssl pkcs12 -export -in "$tmp/signer.pem" -inkey "$tmp/signer.key" -out "$tmp/signer.pfx" \
    -passout env:CERTWIZ_TEST_PFX_PASSWORD
check "openssl made a code-signing certificate in a PFX" \
    sh -c "openssl x509 -in '$tmp/signer.pem' -noout -ext extendedKeyUsage | grep -q 'Code Signing'"

out=$tmp/dist
args=(--out "$out")
if [ -n "$skip_windows" ]; then
    args+=(--skip-windows)
else
    args+=(--sign-pfx "$tmp/signer.pfx" --sign-pass-env CERTWIZ_TEST_PFX_PASSWORD)
fi
echo "== scripts/release.sh ${args[*]}"
t0=$(date +%s)
bash scripts/release.sh "${args[@]}" >"$tmp/release.log" 2>&1
code=$?
echo "   (${code}; $(($(date +%s) - t0)) s)"
sed -n '/== artifacts/,$p' "$tmp/release.log"
check "release.sh exits 0" [ "$code" -eq 0 ]
[ "$code" -eq 0 ] || tail -30 "$tmp/release.log"

pkgid=$(cargo pkgid --quiet)
version=${pkgid##*[#@]}
linux=certwiz-$version-linux-x86_64
windows=certwiz-$version-windows-x86_64
docs="LICENSE-APACHE LICENSE-MIT README.md THIRD-PARTY-LICENSES.txt"

check "SHA256SUMS lists the archives" sh -c "cd '$out' && grep -q ' $linux.tar.gz\$' SHA256SUMS && { [ -n '$skip_windows' ] || grep -q ' $windows.zip\$' SHA256SUMS; }"
check "sha256sum -c SHA256SUMS accepts them" sh -c "cd '$out' && sha256sum -c SHA256SUMS"
mkdir -p "$tmp/tampered"
cp "$out/SHA256SUMS" "$out/$linux.tar.gz" "$tmp/tampered/"
[ -f "$out/$windows.zip" ] && cp "$out/$windows.zip" "$tmp/tampered/"
printf 'x' >>"$tmp/tampered/$linux.tar.gz"
check "sha256sum -c catches a changed archive" sh -c "cd '$tmp/tampered' && ! sha256sum -c SHA256SUMS"

listing=$(tar -tzf "$out/$linux.tar.gz" | sort | tr '\n' ' ')
expected=$(for f in "" certwiz $docs; do echo "$linux/$f"; done | sort | tr '\n' ' ')
check "the tar.gz holds $linux/ with certwiz and the licence files" [ "$listing" = "$expected" ]
mkdir -p "$tmp/unpacked"
tar -xzf "$out/$linux.tar.gz" -C "$tmp/unpacked"
bin=$tmp/unpacked/$linux/certwiz
check "the unpacked certwiz runs from another folder: --version says $version" \
    sh -c "cd / && '$bin' --version | grep -qx 'certwiz $version'"
check "the unpacked certwiz explains a finding (exit 0)" \
    sh -c "cd / && '$bin' explain http.web-site-answering | grep -q 'http.web-site-answering'"
check "the unpacked certwiz has no symbol table" sh -c "file '$bin' | grep -q ', stripped'"
notices=$tmp/unpacked/$linux/THIRD-PARTY-LICENSES.txt
check "THIRD-PARTY-LICENSES.txt carries OpenSSL's licence" \
    sh -c "grep -q '^OpenSSL 3\.[0-9]*\.[0-9]* (C library compiled into certwiz' '$notices' && grep -q 'Apache License' '$notices'"
for crate in rustls ring eframe x509-parser openssl-sys windows-sys; do
    check "THIRD-PARTY-LICENSES.txt names $crate" grep -q "^  $crate [0-9]" "$notices"
done

if [ -n "$skip_windows" ]; then
    # No cross build here: sign a small Windows program made with MinGW, through the same script.
    if command -v x86_64-w64-mingw32-gcc >/dev/null; then
        printf 'int main(void) { return 0; }\n' >"$tmp/tiny.c"
        x86_64-w64-mingw32-gcc -O2 -o "$tmp/tiny.exe" "$tmp/tiny.c"
        bash scripts/sign-exe.sh --pfx "$tmp/signer.pfx" --pass-env CERTWIZ_TEST_PFX_PASSWORD \
            "$tmp/tiny.exe" >"$tmp/sign.log" 2>&1
        check "sign-exe.sh signs a Windows program" grep -q 'signed tiny.exe' "$tmp/sign.log"
        signed=("$tmp/tiny.exe")
    else
        echo "info signing not tested: MinGW is missing (no Windows program to sign)"
        signed=()
    fi
else
    names=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$out/$windows.zip" | sort | tr '\n' ' ')
    expected=$(for f in certwiz.com certwiz.exe $docs; do echo "$windows/$f"; done | sort | tr '\n' ' ')
    check "the zip holds $windows/ with certwiz.exe, certwiz.com and the licence files" [ "$names" = "$expected" ]
    mkdir -p "$tmp/win"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$out/$windows.zip" "$tmp/win"
    check "certwiz.exe is a PE32+ GUI program" sh -c "file '$tmp/win/$windows/certwiz.exe' | grep -q 'PE32+ executable (GUI) x86-64'"
    check "certwiz.com is a PE32+ console program" sh -c "file '$tmp/win/$windows/certwiz.com' | grep -q 'PE32+ executable (console) x86-64'"
    signed=("$tmp/win/$windows/certwiz.exe" "$tmp/win/$windows/certwiz.com")
fi
for exe in "${signed[@]}"; do
    n=$(basename "$exe")
    check "osslsigncode verify accepts $n with the throwaway root" \
        osslsigncode verify -CAfile "$tmp/signer.pem" -in "$exe"
    check "osslsigncode verify refuses $n with an unrelated root" \
        sh -c "! osslsigncode verify -CAfile '$tmp/other.pem' -in '$exe'"
    check "$n is signed by the throwaway certificate" \
        sh -c "osslsigncode verify -CAfile '$tmp/signer.pem' -in '$exe' | grep -q 'certwiz release test signer'"
done
check "the PFX password appears in no output" sh -c "! cat '$tmp'/*.log | grep -qF '$password'"

echo "release-test: $(($(date +%s) - started)) s"
echo "release-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
