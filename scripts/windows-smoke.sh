#!/bin/sh
# Smoke test of the Windows build under Wine: both ways certwiz.exe is used, and its resources.
#   1. certwiz.exe is a GUI-subsystem program (no console behind the window) and certwiz.com, its
#      console launcher, a console program; both read from the PE headers.
#   2. The command line through certwiz.com prints and returns the exit codes 0 / 1 / 2.
#   3. With no command, the window opens (on a virtual display: Xvfb), and no console window does.
#   4. The resources read back from certwiz.exe: the icon group, the version resource (ProductName,
#      FileDescription, ProductVersion, FileVersion = Cargo.toml's version) and the manifest (asInvoker,
#      PerMonitorV2, the Windows 10/11 supportedOS id).
# Usage: scripts/windows-smoke.sh [DIR]   DIR holds certwiz.exe and certwiz-console.exe (default: the
#        debug cross build in $CARGO_TARGET_DIR or target/, x86_64-pc-windows-gnu). Needs wine, Xvfb,
#        xwininfo, MinGW's objdump and windres. Exit 0 when everything held; each check prints ok / FAIL.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-${CARGO_TARGET_DIR:-$here/target}/x86_64-pc-windows-gnu/debug}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/Cargo.toml" | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null' EXIT
cp "$dir/certwiz.exe" "$work/certwiz.exe" && cp "$dir/certwiz-console.exe" "$work/certwiz.com" || {
    echo "FAIL: no certwiz.exe / certwiz-console.exe in $dir"; exit 2; }
failed=0
check() { # check NAME COMMAND...: runs COMMAND, prints ok/FAIL
    name=$1; shift
    if "$@" >/dev/null 2>&1; then echo "ok   $name"; else echo "FAIL $name"; failed=1; fi
}
export WINEDEBUG=-all WINEPREFIX="$work/prefix"
wine wineboot -i >/dev/null 2>&1

# 1. Subsystems.
check "certwiz.exe is a Windows GUI program" sh -c \
    "x86_64-w64-mingw32-objdump -p '$work/certwiz.exe' | grep -q 'Subsystem.*(Windows GUI)'"
check "certwiz.com is a Windows console program" sh -c \
    "x86_64-w64-mingw32-objdump -p '$work/certwiz.com' | grep -q 'Subsystem.*(Windows CUI)'"

# 2. The command line, through the launcher, from this shell's console handles.
cd "$work" || exit 2
out=$(wine certwiz.com explain chain.untrusted-root 2>/dev/null); code=$?
echo "     certwiz.com explain chain.untrusted-root -> exit $code, first line: $(echo "$out" | head -1)"
check "explain prints and exits 0" sh -c "[ $code -eq 0 ] && echo '$out' | grep -q 'Wizard step 4'"
wine certwiz.com explain no.such-id >/dev/null 2>&1; code=$?
echo "     certwiz.com explain no.such-id -> exit $code"
check "an unknown id exits 2" [ "$code" -eq 2 ]
wine certwiz.com inspect "Z:$here/tests/data/openssl/restricted-leaf.pem" "Z:$here/tests/data/openssl/restricted-issuing.pem" \
    --ca "Z:$here/tests/data/openssl/rsa-root.pem" >"$work/inspect.txt" 2>&1; code=$?
echo "     certwiz.com inspect (a CA that does not allow Client Authentication) -> exit $code"
check "a failing finding exits 1 and prints the verdict" sh -c "[ $code -eq 1 ] && grep -q 'Verdict: ✗ FAIL' '$work/inspect.txt'"

# 3. The window, without a console.
Xvfb :79 -screen 0 1280x900x24 >/dev/null 2>&1 & xvfb=$!
sleep 2
DISPLAY=:79 wine certwiz.exe >/dev/null 2>&1 & gui=$!
sleep 25
DISPLAY=:79 xwininfo -root -tree >"$work/windows.txt" 2>&1
check "the window opens" grep -q '"certwiz: conferencing certificate troubleshooter"' "$work/windows.txt"
check "no console window opens with it" sh -c "! grep -qi 'wineconsole\|conhost\|cmd.exe' '$work/windows.txt'"
[ -n "${SHOT:-}" ] && DISPLAY=:79 import -window root "$SHOT" 2>/dev/null
kill "$gui" 2>/dev/null; wine wineserver -k 2>/dev/null

# 4. Resources, read back from the .exe.
x86_64-w64-mingw32-windres -i "$work/certwiz.exe" -O rc -o "$work/res.rc" 2>"$work/windres.err"
check "an icon group" grep -q 'ICON\|GROUP_ICON\|^[0-9]* 14 ' "$work/res.rc"
for field in "ProductName\", \"certwiz" "FileVersion\", \"$version" "ProductVersion\", \"$version" "FileDescription"; do
    check "version resource: $field" grep -q "$field" "$work/res.rc"
done
check "manifest: asInvoker" grep -q 'asInvoker' "$work/res.rc"
check "manifest: PerMonitorV2" grep -q 'PerMonitorV2' "$work/res.rc"
check "manifest: Windows 10/11" grep -q '8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a' "$work/res.rc"
exit $failed
