#!/usr/bin/env bash
# Installs the Nocturne app folder for this user (default) or system-wide:
#
#   ./install.sh                    # into ~/.local (no root needed)
#   sudo ./install.sh --prefix /usr/local
#
# Puts the app in PREFIX/lib/nocturne, the `nocturne` command in PREFIX/bin, and the menu entry,
# icons and AppStream metadata where desktops look for them. Run PREFIX/lib/nocturne/uninstall.sh
# to remove it again.
set -euo pipefail

prefix="${HOME}/.local"
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
app_id="io.github.nocturne.Nocturne"
if [ ! -x "$source_dir/nocturne" ]; then
    echo "install.sh: run me from the unpacked nocturne folder (the one with the nocturne program)" >&2
    exit 1
fi

app_dir="$prefix/lib/nocturne"
bin_dir="$prefix/bin"
share="$prefix/share"

mkdir -p "$app_dir" "$bin_dir" "$share/applications" "$share/metainfo"
if [ "$source_dir" != "$app_dir" ]; then
    rm -rf "$app_dir"
    cp -a "$source_dir" "$app_dir"
fi
ln -sfn "$app_dir/nocturne" "$bin_dir/nocturne"

sed -e "s|^Exec=nocturne|Exec=$bin_dir/nocturne|" -e "s|^TryExec=nocturne|TryExec=$bin_dir/nocturne|" \
    "$app_dir/share/$app_id.desktop" > "$share/applications/$app_id.desktop"
cp "$app_dir/share/$app_id.metainfo.xml" "$share/metainfo/$app_id.metainfo.xml"

icons="$app_dir/_internal/resources/icons"
for png in "$icons"/nocturne-*.png; do
    size="$(basename "$png" .png)"; size="${size#nocturne-}"
    mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
mkdir -p "$share/icons/hicolor/scalable/apps"
cp "$icons/nocturne.svg" "$share/icons/hicolor/scalable/apps/$app_id.svg"

command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true

echo "Nocturne is installed in $app_dir"
case ":$PATH:" in
    *":$bin_dir:"*) echo "Start it from the applications menu or with: nocturne" ;;
    *) echo "Start it from the applications menu or with: $bin_dir/nocturne ($bin_dir is not on PATH)" ;;
esac
