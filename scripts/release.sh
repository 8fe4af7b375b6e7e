#!/usr/bin/env bash
# Builds the release artifacts of certwiz:
#   certwiz-<version>-windows-x86_64.zip   certwiz.exe (the window; GUI subsystem), certwiz.com (its
#                                          console launcher, built as certwiz-console.exe), README.md,
#                                          LICENSE-MIT, LICENSE-APACHE, THIRD-PARTY-LICENSES.txt
#   certwiz-<version>-linux-x86_64.tar.gz  certwiz, README.md, the same licence files
#   SHA256SUMS                             sha256sum's format: `sha256sum -c SHA256SUMS` checks them
# Usage: scripts/release.sh [--out DIR] [--skip-windows] [--sign-pfx FILE --sign-pass-env VAR]
#                           [--timestamp URL]
#   --out DIR            where the artifacts go (default dist/); files of an earlier run are replaced
#   --skip-windows       only the Linux archive (and SHA256SUMS): no cross build (CI does this, reusing
#                        the release build .ci/gui-smoke made)
#   --sign-pfx FILE      Authenticode-sign certwiz.exe and certwiz.com before zipping (osslsigncode,
#   --sign-pass-env VAR  SHA-256), with the code-signing PFX FILE whose password is in the environment
#                        variable VAR (never on a command line, never printed): see scripts/sign-exe.sh
#   --timestamp URL      with --sign-pfx: an RFC 3161 time-stamping server (needs the network)
# Version: Cargo.toml's (cargo pkgid). Builds: `cargo build --release` for Linux, and
# `cargo build --release --target x86_64-pc-windows-gnu --bins` (MinGW) for Windows. The third-party
# notices are made by cargo-about (installed with `cargo install --locked cargo-about --features cli` when missing)
# from about.toml and about.hbs, plus OpenSSL's licence (the vendored openssl-src compiles
# OpenSSL into both programs). Packing the same build again gives the same archives (unsigned):
# sorted entries, the last commit's time (SOURCE_DATE_EPOCH) as every time stamp, no owner names.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
root=$PWD

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}
out="" skip_windows="" sign_pfx="" sign_pass_env="" timestamp=""
while [ $# -gt 0 ]; do
    case $1 in
        --out) out=${2:-}; [ -n "$out" ] || usage; shift 2 ;;
        --skip-windows) skip_windows=yes; shift ;;
        --sign-pfx) sign_pfx=${2:-}; shift 2 || usage ;;
        --sign-pass-env) sign_pass_env=${2:-}; shift 2 || usage ;;
        --timestamp) timestamp=${2:-}; shift 2 || usage ;;
        -h | --help) usage ;;
        *) echo "release: unknown argument $1" >&2; usage ;;
    esac
done
# Paths given on the command line are the caller's; the default dist/ is the repository's.
case $out in "") out=$root/dist ;; /*) ;; *) out=$caller/$out ;; esac
case $sign_pfx in /* | "") ;; *) sign_pfx=$caller/$sign_pfx ;; esac
if [ -n "$sign_pfx" ] || [ -n "$sign_pass_env" ]; then
    [ -n "$sign_pfx" ] && [ -n "$sign_pass_env" ] || {
        echo "release: --sign-pfx and --sign-pass-env go together" >&2; exit 2; }
    [ -z "$skip_windows" ] || { echo "release: --sign-pfx signs the Windows programs; not with --skip-windows" >&2; exit 2; }
    [ -r "$sign_pfx" ] || { echo "release: cannot read the PFX $sign_pfx" >&2; exit 2; }
fi
[ -n "$timestamp" ] && [ -z "$sign_pfx" ] && { echo "release: --timestamp needs --sign-pfx" >&2; exit 2; }

# certwiz@0.1.0 (or #0.1.0 when the folder is named like the package) at the end of the package id.
pkgid=$(cargo pkgid --quiet)
version=${pkgid##*[#@]}
case $version in
    [0-9]*.[0-9]*.[0-9]*) ;;
    *) echo "release: cannot read the version from cargo pkgid ($pkgid)" >&2; exit 1 ;;
esac
meta=$(mktemp)
trap 'rm -f "$meta"' EXIT
cargo metadata --format-version 1 --locked >"$meta"
target_dir=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["target_directory"])' "$meta")
openssl_src=$(python3 -c '
import json, os, sys
pkgs = [p for p in json.load(open(sys.argv[1]))["packages"] if p["name"] == "openssl-src"]
print(os.path.dirname(pkgs[0]["manifest_path"]) if pkgs else "")' "$meta")
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
windows_target=x86_64-pc-windows-gnu
echo "release: certwiz $version -> $out/"

echo "== cargo build --release (Linux)"
cargo build --release --locked
if [ -z "$skip_windows" ]; then
    command -v x86_64-w64-mingw32-gcc >/dev/null || {
        echo "release: MinGW-w64 is missing (apt-get install gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64)" >&2; exit 1; }
    if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$windows_target"; then
        rustup target add "$windows_target"
    fi
    echo "== cargo build --release --target $windows_target --bins (Windows)"
    cargo build --release --locked --target "$windows_target" --bins
fi

echo "== third-party licences (cargo-about)"
if ! cargo about --version >/dev/null 2>&1; then
    echo "   installing cargo-about (cargo install --locked cargo-about --features cli)"
    cargo install --locked cargo-about --features cli
fi
stage=$(mktemp -d)
trap 'rm -f "$meta"; rm -rf "$stage"' EXIT
notices=$stage/THIRD-PARTY-LICENSES.txt
cargo about generate --locked --fail -c about.toml about.hbs -o "$notices"
# OpenSSL is C code that openssl-src (a build dependency, which cargo-about leaves out with the other
# build tools) compiles into the program: its own licence, from the source that was compiled.
if [ -n "$openssl_src" ] && [ -f "$openssl_src/openssl/LICENSE.txt" ]; then
    openssl_version=$(sed -n 's/^\(MAJOR\|MINOR\|PATCH\)=//p' "$openssl_src/openssl/VERSION.dat" | paste -sd.)
    {
        printf '%s\n' "================================================================================"
        printf 'OpenSSL %s (C library compiled into certwiz from %s, vendored)\n' \
            "$openssl_version" "$(basename "$openssl_src")"
        printf '%s\n' "License: Apache-2.0 (https://www.openssl.org/source/license.html)"
        printf '%s\n' "--------------------------------------------------------------------------------"
        cat "$openssl_src/openssl/LICENSE.txt"
    } >>"$notices"
else
    echo "release: openssl-src's source (with OpenSSL's LICENSE.txt) not found in cargo metadata" >&2
    exit 1
fi

# pack FORMAT NAME FILE...: one folder NAME with the files, as NAME.zip or NAME.tar.gz in $out.
pack() {
    local format=$1 name=$2
    shift 2
    local dir=$stage/$name
    mkdir -p "$dir"
    cp "$@" "$dir/"
    find "$dir" -exec touch -h -d "@$epoch" {} +
    case $format in
        zip)
            python3 - "$stage" "$name" "$out/$name.zip" "$epoch" <<'PY'
import os, sys, time, zipfile
stage, name, dest, epoch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip times start in 1980
with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for f in sorted(os.listdir(os.path.join(stage, name))):
        info = zipfile.ZipInfo(f"{name}/{f}", stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(os.path.join(stage, name, f), "rb") as src:
            z.writestr(info, src.read(), compresslevel=9)
PY
            ;;
        tar.gz)
            tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$stage" -cf - "$name" |
                gzip -n -9 >"$out/$name.tar.gz"
            ;;
    esac
}

mkdir -p "$out"
out=$(cd "$out" && pwd)
docs=(README.md LICENSE-MIT LICENSE-APACHE "$notices")
artifacts=()

linux_bin=$stage/linux/certwiz
mkdir -p "$stage/linux"
cp "$target_dir/release/certwiz" "$linux_bin"
# Whatever the profile says (CARGO_PROFILE_RELEASE_STRIP may be overridden, e.g. for cargo bloat),
# what ships has no symbol table.
strip "$linux_bin"
chmod 755 "$linux_bin"
linux=certwiz-$version-linux-x86_64
rm -f "$out/$linux.tar.gz"
pack tar.gz "$linux" "$linux_bin" "${docs[@]}"
artifacts+=("$linux.tar.gz")

if [ -z "$skip_windows" ]; then
    win=$stage/windows
    mkdir -p "$win"
    cp "$target_dir/$windows_target/release/certwiz.exe" "$win/certwiz.exe"
    # The launcher ships as certwiz.com: cmd.exe and PowerShell run it first when `certwiz` is typed.
    cp "$target_dir/$windows_target/release/certwiz-console.exe" "$win/certwiz.com"
    # strip writes the PE header's time stamp: the commit's, not now (binutils reads SOURCE_DATE_EPOCH).
    SOURCE_DATE_EPOCH=$epoch x86_64-w64-mingw32-strip "$win/certwiz.exe" "$win/certwiz.com"
    if [ -n "$sign_pfx" ]; then
        echo "== signing certwiz.exe and certwiz.com (osslsigncode)"
        ts=()
        [ -n "$timestamp" ] && ts=(--timestamp "$timestamp")
        bash "$root/scripts/sign-exe.sh" --pfx "$sign_pfx" --pass-env "$sign_pass_env" "${ts[@]}" \
            "$win/certwiz.exe" "$win/certwiz.com"
    fi
    windows=certwiz-$version-windows-x86_64
    rm -f "$out/$windows.zip"
    pack zip "$windows" "$win/certwiz.exe" "$win/certwiz.com" "${docs[@]}"
    artifacts+=("$windows.zip")
fi

(cd "$out" && sha256sum "${artifacts[@]}" >SHA256SUMS)
echo "== artifacts in $out"
for f in "${artifacts[@]}" SHA256SUMS; do
    printf '  %-44s %10s bytes\n' "$f" "$(stat -c %s "$out/$f")"
done
printf '  %-44s %10s bytes (unpacked)\n' "linux: certwiz" "$(stat -c %s "$linux_bin")"
if [ -z "$skip_windows" ]; then
    printf '  %-44s %10s bytes (unpacked)\n' "windows: certwiz.exe" "$(stat -c %s "$win/certwiz.exe")"
    printf '  %-44s %10s bytes (unpacked)\n' "windows: certwiz.com" "$(stat -c %s "$win/certwiz.com")"
fi
