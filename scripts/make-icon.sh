#!/bin/sh
# Renders certwiz's icon from its source, assets/icon/certwiz.mvg (ImageMagick's vector format):
#   assets/icon/certwiz-{16,24,32,48,64,128,256}.png   the sizes Windows asks for
#   assets/icon/certwiz.ico                            all of them in one Windows icon (for the .exe)
#   assets/icon/certwiz-64.rgba                        raw 64x64 RGBA: the window icon on every OS
#                                                      (read with include_bytes!, no image decoder)
# Needs ImageMagick 6 or 7 (convert or magick). Run it again after editing the .mvg and commit the
# results.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir="$here/assets/icon"
if command -v magick >/dev/null 2>&1; then im=magick; else im=convert; fi
pngs=""
for size in 16 24 32 48 64 128 256; do
    "$im" -background none -density 96 "MVG:$dir/certwiz.mvg" -resize "${size}x${size}" \
        -strip "PNG32:$dir/certwiz-$size.png"
    pngs="$pngs $dir/certwiz-$size.png"
done
# shellcheck disable=SC2086 # one argument per size
"$im" $pngs "$dir/certwiz.ico"
"$im" "$dir/certwiz-64.png" -depth 8 "RGBA:$dir/certwiz-64.rgba"
echo "icon: $(ls "$dir" | tr '\n' ' ')"
