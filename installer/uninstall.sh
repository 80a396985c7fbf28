#!/usr/bin/env bash
# Removes an installed Nocturne. Your library, notes and settings stay unless you add --purge.
#
#   ~/.local/lib/nocturne/uninstall.sh            # keeps your data
#   ~/.local/lib/nocturne/uninstall.sh --purge    # also deletes the library, settings and API key
set -euo pipefail

purge=0
for arg in "$@"; do
    case "$arg" in
        --purge) purge=1 ;;
        -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
        *) echo "uninstall.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

app_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="$(dirname "$(dirname "$app_dir")")"   # PREFIX/lib/nocturne -> PREFIX
share="$prefix/share"
app_id="io.github.nocturne.Nocturne"

if [ "$(basename "$app_dir")" != "nocturne" ] || [ ! -x "$app_dir/nocturne" ]; then
    echo "uninstall.sh: run me from an installed Nocturne folder (PREFIX/lib/nocturne)" >&2
    exit 1
fi

# Where nocturne.paths keeps things: NOCTURNE_HOME holds everything, else the XDG folders.
if [ -n "${NOCTURNE_HOME:-}" ]; then
    data_dir="$NOCTURNE_HOME"
    config_dir="$NOCTURNE_HOME/config"
else
    data_dir="${XDG_DATA_HOME:-$HOME/.local/share}/nocturne"
    config_dir="${XDG_CONFIG_HOME:-$HOME/.config}/nocturne"
fi

if [ "$(readlink "$prefix/bin/nocturne" 2>/dev/null)" = "$app_dir/nocturne" ]; then
    rm -f "$prefix/bin/nocturne"
fi
rm -f "$share/applications/$app_id.desktop" "$share/metainfo/$app_id.metainfo.xml"
rm -f "$share"/icons/hicolor/*/apps/"$app_id".png "$share/icons/hicolor/scalable/apps/$app_id.svg"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true

if [ "$purge" = 1 ]; then
    rm -rf "$data_dir" "$config_dir"
    if command -v secret-tool >/dev/null; then
        secret-tool clear service nocturne username remote_api_key 2>/dev/null || true
    fi
    echo "Removed Nocturne's library and settings ($data_dir, $config_dir)."
else
    echo "Your library and settings are kept in $data_dir and $config_dir;"
    echo "delete them (or run this with --purge) to remove them too."
fi
rm -rf "$app_dir"
echo "Nocturne is uninstalled."
