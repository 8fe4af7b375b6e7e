#!/usr/bin/env bash
# Smoke test of the Windows programs under Wine (run by hand; not in CI: it needs the cross build).
#   1. PE headers: certwiz.exe is a Windows GUI program (a double-click opens no console), certwiz.com
#      (the console launcher, built as certwiz-console.exe) a console program.
#   2. Resources read back from certwiz.exe with windres: the icon group, the version resource
#      (ProductName, FileDescription, ProductVersion, FileVersion = Cargo.toml's version) and the
#      manifest (asInvoker, PerMonitorV2, the Windows 10/11 supportedOS id).
#   3. The command line against practice servers that the Linux certwiz plays on loopback
#      (`certwiz lab`): through the launcher (`wine certwiz.com check ...`) and as typed in cmd.exe
#      (`wine cmd /c certwiz check ...`, which must pick certwiz.com): it prints there and returns
#      0 (healthy), 1 (impostor web site on the port), 2 (bad option). What `certwiz.exe check ...`
#      (the GUI program itself) does in `cmd /c` is recorded, not required (see docs/windows.md).
#   4. With no command, certwiz.exe opens its window on a virtual display (Xvfb): the window's title in
#      the X window list, a screenshot, and no console host (conhost.exe) among Wine's processes;
#      as a control, the launcher running a long command does have one.
# Usage: scripts/windows-smoke.sh [DIR]
#   DIR holds certwiz.exe and certwiz.com (an unpacked release zip) or certwiz-console.exe (a cross
#   build); default: the release cross build, target/x86_64-pc-windows-gnu/release.
#   CERTWIZ_LINUX: the Linux certwiz that plays the practice servers (default target/release/certwiz,
#   else target/debug/certwiz). Results, logs and the screenshot: target/windows-smoke/.
# Debian 12's Wine 8.0 has no bcryptprimitives.dll (its ProcessPrng is what Rust's standard library
# uses for randomness; Windows 10 and later have it), so no Rust program loads there: when Wine lacks
# it, a test-only stub over advapi32's RtlGenRandom is built with MinGW and put beside the programs in
# the test folder. It is never shipped.
# Needs: wine, Xvfb, xwininfo, ImageMagick's import, MinGW (gcc, objdump, windres). Exit 0 when every
# required check held; each prints ok / FAIL (required) or info (recorded).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$here/target}
dir=${1:-$target_dir/x86_64-pc-windows-gnu/release}
version=$(cd "$here" && cargo pkgid --quiet 2>/dev/null)
version=${version##*[#@]}
linux=${CERTWIZ_LINUX:-}
if [ -z "$linux" ]; then
    for c in "$target_dir/release/certwiz" "$target_dir/debug/certwiz"; do
        [ -x "$c" ] && { linux=$c; break; }
    done
fi
out=$target_dir/windows-smoke
rm -rf "$out"
mkdir -p "$out"
work=$out/programs
mkdir -p "$work"

for tool in wine Xvfb xwininfo import x86_64-w64-mingw32-gcc x86_64-w64-mingw32-objdump x86_64-w64-mingw32-windres; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing"; exit 2; }
done
[ -x "${linux:-}" ] || { echo "FAIL: no Linux certwiz for the practice servers (set CERTWIZ_LINUX)"; exit 2; }
cp "$dir/certwiz.exe" "$work/certwiz.exe" || { echo "FAIL: no certwiz.exe in $dir"; exit 2; }
if [ -f "$dir/certwiz.com" ]; then
    cp "$dir/certwiz.com" "$work/certwiz.com"
else
    cp "$dir/certwiz-console.exe" "$work/certwiz.com" || { echo "FAIL: no certwiz.com / certwiz-console.exe in $dir"; exit 2; }
fi

pids=()
xvfb=""
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    WINEPREFIX=$out/prefix wineserver -k 2>/dev/null
    [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null
}
trap cleanup EXIT
failed=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; failed=1; }
check() { # check NAME COMMAND...: a required check
    local name=$1
    shift
    if "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name"; fi
}
info() { echo "info $1"; }

echo "== $(wine --version 2>/dev/null), programs from $dir, practice servers by $linux"

# 1. Subsystems.
check "certwiz.exe is a Windows GUI program" sh -c \
    "x86_64-w64-mingw32-objdump -p '$work/certwiz.exe' | grep -q 'Subsystem.*(Windows GUI)'"
check "certwiz.com is a Windows console program" sh -c \
    "x86_64-w64-mingw32-objdump -p '$work/certwiz.com' | grep -q 'Subsystem.*(Windows CUI)'"

# 2. Resources, read back from the .exe.
x86_64-w64-mingw32-windres -i "$work/certwiz.exe" -O rc -o "$out/resources.rc" 2>"$out/windres.err"
check "an icon group" grep -q 'ICON\|GROUP_ICON\|^[0-9]* 14 ' "$out/resources.rc"
for field in "ProductName\", \"certwiz" "FileVersion\", \"$version" "ProductVersion\", \"$version" "FileDescription"; do
    check "version resource: $field" grep -q "$field" "$out/resources.rc"
done
check "manifest: asInvoker" grep -q 'asInvoker' "$out/resources.rc"
check "manifest: PerMonitorV2" grep -q 'PerMonitorV2' "$out/resources.rc"
check "manifest: Windows 10/11" grep -q '8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a' "$out/resources.rc"

# The test-only bcryptprimitives.dll, when this Wine lacks one.
if find /usr/lib/wine /usr/lib/x86_64-linux-gnu/wine /usr/lib64/wine /opt/wine* -name 'bcryptprimitives.dll*' 2>/dev/null | grep -q .; then
    info "this Wine has its own bcryptprimitives.dll: no stub"
else
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
    x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" \
        "$out/bcryptprimitives.c" "$out/bcryptprimitives.def" -ladvapi32 ||
        { echo "FAIL: cannot build the bcryptprimitives.dll stub"; exit 2; }
    info "Wine lacks bcryptprimitives.dll: a test-only stub (RtlGenRandom) is beside the programs"
fi

export WINEPREFIX=$out/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine wineboot --init >/dev/null 2>&1
winpath() { echo "Z:${1//\//\\}"; }

# The practice servers, played by the Linux certwiz on loopback; their `certwiz check ...` line,
# with the files' paths as Wine sees them.
lab() { # lab SCENARIO: starts it, sets lab_args
    local scenario=$1 d=$out/lab-$1
    mkdir -p "$d"
    "$linux" lab "$scenario" --dir "$d" >"$d.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do grep -q "^  certwiz check" "$d.log" && break; sleep 0.1; done
    lab_args=()
    local word
    for word in $(sed -n 's/^  certwiz check //p' "$d.log" | head -1); do
        case $word in
            "$d"/*) lab_args+=("$(winpath "$word")") ;;
            *) lab_args+=("$word") ;;
        esac
    done
    [ ${#lab_args[@]} -gt 0 ] || { echo "FAIL: the practice server $scenario did not start:"; cat "$d.log"; exit 2; }
}
lab healthy
healthy=("${lab_args[@]}")
lab impostor-web-site
impostor=("${lab_args[@]}")

# 3. The command line. Expected, written down before the first run: the healthy lab passes (0), the
# impostor web site fails with http.web-site-answering (1), an unknown option is bad usage (2).
cd "$work" || exit 2
run() { # run NAME COMMAND...: output in $out/NAME.txt, exit code in $code
    local name=$1
    shift
    timeout 120 "$@" >"$out/$name.txt" 2>&1 </dev/null
    code=$?
    echo "     $name -> exit $code, $(wc -l <"$out/$name.txt") lines: $(grep -m1 'Verdict\|error' "$out/$name.txt")"
}
run launcher-healthy wine certwiz.com check "${healthy[@]}"
check "certwiz.com check (healthy lab) prints the verdict and exits 0" \
    sh -c "[ $code -eq 0 ] && grep -q 'Verdict: ✓ PASS' '$out/launcher-healthy.txt'"
run launcher-impostor wine certwiz.com check "${impostor[@]}"
check "certwiz.com check (impostor web site) prints the finding and exits 1" \
    sh -c "[ $code -eq 1 ] && grep -q 'http.web-site-answering' '$out/launcher-impostor.txt'"
run launcher-bad-option wine certwiz.com check "${healthy[@]}" --no-such-option
check "certwiz.com check --no-such-option says so and exits 2" \
    sh -c "[ $code -eq 2 ] && grep -q 'no-such-option' '$out/launcher-bad-option.txt'"
# As typed in cmd.exe: `certwiz` must resolve to certwiz.com (PATHEXT lists .COM before .EXE).
run cmd-impostor wine cmd /c certwiz check "${impostor[@]}"
check "cmd /c certwiz check (impostor) runs the launcher: output and exit 1" \
    sh -c "[ $code -eq 1 ] && grep -q 'http.web-site-answering' '$out/cmd-impostor.txt'"
run cmd-errorlevel wine cmd /c "certwiz check ${healthy[*]} --no-such-option & echo ERRORLEVEL=%ERRORLEVEL%"
check "cmd: %ERRORLEVEL% is 2 after a bad option" grep -q 'ERRORLEVEL=2' "$out/cmd-errorlevel.txt"
# Which program cmd.exe runs when `certwiz` is typed and both are in the folder: two stand-ins that
# say which they are (the real pair prints the same either way under Wine, see below).
mkdir -p "$out/pathext"
for ext in com exe; do
    printf '#include <stdio.h>\nint main(void) { puts("this is certwiz.%s"); return 0; }\n' "$ext" >"$out/pathext/$ext.c"
    x86_64-w64-mingw32-gcc -o "$out/pathext/certwiz.$ext" "$out/pathext/$ext.c"
done
(cd "$out/pathext" && timeout 60 wine cmd /c certwiz </dev/null >"$out/pathext.txt" 2>&1)
check "cmd.exe runs certwiz.com, not certwiz.exe, when certwiz is typed ($(tr -d '\r' <"$out/pathext.txt"))" \
    grep -q 'this is certwiz.com' "$out/pathext.txt"
# The GUI program typed with a command: attaches to the parent console, best effort. Recorded only.
run cmd-gui-exe wine cmd /c certwiz.exe check "${impostor[@]}"
info "cmd /c certwiz.exe check (impostor): exit $code, $(wc -l <"$out/cmd-gui-exe.txt") lines of output"

# 4. The window, without a console: started as Explorer starts a double-clicked program (`start`, which
# gives a console program a new console window). Wine's d3d12 is switched off here: with no Vulkan
# driver (this machine), Wine's DX12 (vkd3d) aborts the process in an assertion; wgpu then draws
# through OpenGL. On Windows, DX12 (or its WARP software adapter) is part of the system.
export WINEDLLOVERRIDES="mscoree,mshtml=;d3d12,d3d12core="
display=""
for n in $(seq 80 99); do
    [ -e "/tmp/.X$n-lock" ] || { display=":$n"; break; }
done
[ -n "$display" ] || { echo "FAIL: no free X display number in 80-99"; exit 2; }
Xvfb "$display" -screen 0 1400x950x24 -noreset >"$out/xvfb.log" 2>&1 &
xvfb=$!
sleep 2
winlist() { DISPLAY=$display xwininfo -root -tree 2>&1 | grep '^     0x' | grep -v 'has no name\|Default IME'; }
wine_processes() { ps -eo args | grep -i 'conhost\|certwiz\.\(exe\|com\)' | grep -v grep; }
DISPLAY=$display wine start certwiz.exe >"$out/gui.log" 2>&1
up=""
for _ in $(seq 120); do
    winlist >"$out/windows-gui.txt"
    if grep -q '"certwiz[^"]*": ("certwiz.exe"' "$out/windows-gui.txt"; then up=yes; break; fi
    sleep 0.5
done
[ -n "$up" ] && ok "the window opens (certwiz.exe's window in the X window list)" || bad "the window opens"
sleep 8
winlist >"$out/windows-gui.txt"
wine_processes >"$out/processes-gui.txt"
DISPLAY=$display import -window root "$out/wine-gui.png" 2>/dev/null
colours=$(convert "$out/wine-gui.png" -format %k info: 2>/dev/null || echo 0)
check "the screen shows the wizard ($colours colours)" [ "$colours" -ge 50 ]
check "certwiz.exe is still running" grep -qi 'certwiz.exe' "$out/processes-gui.txt"
check "no console host process (conhost.exe) with the window" sh -c "! grep -qi 'conhost' '$out/processes-gui.txt'"
check "no console window: every window belongs to certwiz.exe" sh -c "! grep -v '(\"certwiz.exe\"' '$out/windows-gui.txt'"
sed 's/^/     /' "$out/windows-gui.txt"
wineserver -k 2>/dev/null
# Control: the same start of a console program (the launcher running a practice server) does open a
# console window, owned by conhost.exe: so the absence above means something.
mkdir -p "$out/lab-control"
DISPLAY=$display wine start certwiz.com lab healthy --dir "$(winpath "$out/lab-control")" >"$out/control.log" 2>&1
for _ in $(seq 60); do
    winlist >"$out/windows-control.txt"
    grep -q '("conhost.exe"' "$out/windows-control.txt" && break
    sleep 0.5
done
wine_processes >"$out/processes-control.txt"
check "control: a console program started the same way gets a console window (conhost.exe)" \
    grep -q '("conhost.exe"' "$out/windows-control.txt"
sed 's/^/     /' "$out/windows-control.txt"
wineserver -k 2>/dev/null
echo "     screenshot: $out/wine-gui.png"
exit $failed
