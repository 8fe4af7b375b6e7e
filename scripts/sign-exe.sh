#!/usr/bin/env bash
# Authenticode-signs Windows programs in place with osslsigncode (SHA-256), from a code-signing PFX.
# Usage: scripts/sign-exe.sh --pfx FILE --pass-env VAR [--timestamp URL] EXE...
#   --pfx FILE        the PKCS#12 file with the code-signing certificate and its key
#   --pass-env VAR    the name of the environment variable that holds the PFX password (may be empty).
#                     The password goes to osslsigncode on its standard input (-readpass -): it never
#                     stands on a command line (ps shows those) and is never printed.
#   --timestamp URL   an RFC 3161 time-stamping server, so the signature outlives the certificate
#                     (optional: it needs the network; without it Windows trusts the signature only
#                     while the certificate is valid)
# Used by scripts/release.sh (--sign-pfx); tested by scripts/release-test.sh. Exit 2 on bad usage,
# 1 when a signature could not be made.
set -euo pipefail

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
pfx="" pass_env="" timestamp=""
exes=()
while [ $# -gt 0 ]; do
    case $1 in
        --pfx) pfx=${2:-}; shift 2 || usage ;;
        --pass-env) pass_env=${2:-}; shift 2 || usage ;;
        --timestamp) timestamp=${2:-}; shift 2 || usage ;;
        -h | --help) usage ;;
        -*) echo "sign-exe: unknown option $1" >&2; usage ;;
        *) exes+=("$1"); shift ;;
    esac
done
[ -n "$pfx" ] && [ -n "$pass_env" ] && [ ${#exes[@]} -gt 0 ] || usage
[ -r "$pfx" ] || { echo "sign-exe: cannot read the PFX $pfx" >&2; exit 2; }
case $pass_env in
    *[!A-Za-z0-9_]* | [0-9]*) echo "sign-exe: --pass-env takes a variable name, not a password" >&2; exit 2 ;;
esac
# Set but possibly empty: a PFX exported without a password is legitimate.
if [ -z "${!pass_env+set}" ]; then
    echo "sign-exe: the environment variable $pass_env (the PFX password) is not set" >&2
    exit 2
fi
command -v osslsigncode >/dev/null || { echo "sign-exe: osslsigncode is not installed (apt-get install osslsigncode)" >&2; exit 2; }

ts_args=()
[ -n "$timestamp" ] && ts_args=(-ts "$timestamp")
for exe in "${exes[@]}"; do
    [ -f "$exe" ] || { echo "sign-exe: no such file $exe" >&2; exit 2; }
    signed="$exe.signing"
    rm -f "$signed"
    # printf is a shell builtin: the password reaches the pipe without a process of its own.
    if ! printf '%s' "${!pass_env}" | osslsigncode sign -pkcs12 "$pfx" -readpass - -h sha256 \
        -n "certwiz" "${ts_args[@]}" -in "$exe" -out "$signed" >"$exe.sign.log" 2>&1; then
        echo "sign-exe: osslsigncode could not sign $exe:" >&2
        cat "$exe.sign.log" >&2
        rm -f "$signed" "$exe.sign.log"
        exit 1
    fi
    rm -f "$exe.sign.log"
    mv "$signed" "$exe"
    echo "sign-exe: signed $(basename "$exe")"
done
