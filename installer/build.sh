#!/usr/bin/env bash
# Builds the one-folder app into dist/nocturne/ with PyInstaller (installed into the venv if
# missing), then packs dist/nocturne-<version>-linux-<arch>.tar.gz with the installer scripts.
#
#   installer/build.sh            # uses .venv/bin/python, or $PYTHON
#   NOCTURNE_DIST=/tmp/out installer/build.sh   # build somewhere else than dist/
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
python="${PYTHON:-$repo/.venv/bin/python}"
dist="${NOCTURNE_DIST:-$repo/dist}"
cd "$repo"

if ! "$python" -c "import PyInstaller" 2>/dev/null; then
    echo "installing PyInstaller into $("$python" -c 'import sys; print(sys.prefix)')"
    "$python" -m pip install --quiet 'pyinstaller>=6.10'
fi

"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "$dist/.build" \
    "$here/nocturne.spec"

app="$dist/nocturne"
# What desktops need next to the app; install.sh puts them in place.
mkdir -p "$app/share"
cp "$here/io.github.nocturne.Nocturne.desktop" "$here/io.github.nocturne.Nocturne.metainfo.xml" \
    "$app/share/"
cp "$here/install.sh" "$here/uninstall.sh" "$app/"
chmod +x "$app/install.sh" "$app/uninstall.sh"

version="$("$app/nocturne" --version | awk '{print $2}')"
arch="$(uname -m)"
archive="$dist/nocturne-$version-linux-$arch.tar.gz"
if [ "${NOCTURNE_NO_ARCHIVE:-}" != "1" ]; then
    tar -C "$dist" -czf "$archive" nocturne
    echo "built $app and $archive"
else
    echo "built $app"
fi
