"""Real text for the scale benchmark: Debian's manual pages rendered to plain text.

`manual_pages()` makes sure the `manpages` and `manpages-dev` packages (and groff, which renders
them) are installed — installing them with apt-get when this process is root or may use sudo
without a password — and renders every page that is not a link or a `.so` redirect to UTF-8
text, once: the texts are kept in a cache folder (NOCTURNE_BENCH_CACHE, default
~/.cache/nocturne-bench) so that a second run starts at once. Those two packages hold about
1,100 distinct pages; other English manual pages installed on the machine top the library up to
the size asked for (deterministically, by path), and paragraph-shuffled copies fill in on a
machine that has none.

`shuffled_copy()` makes the timing library's variants: the same paragraphs in another order, so
no two documents are equal (the library keys documents by path and content hash).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PACKAGES = ("manpages", "manpages-dev")
RENDERER_PACKAGE = "groff-base"
MAN_ROOT = Path("/usr/share/man")
CACHE = Path(os.environ.get("NOCTURNE_BENCH_CACHE", Path.home() / ".cache" / "nocturne-bench"))
MIN_TEXT_CHARS = 400  # a page this short is a stub, not a document


class CorpusUnavailable(Exception):
    """The manual pages cannot be installed or rendered here (said in words)."""


def _installed(package: str) -> bool:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return done.returncode == 0 and "install ok installed" in done.stdout


def _apt_prefix() -> list[str]:
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"]).returncode == 0:
        return ["sudo", "-n"]
    raise CorpusUnavailable(
        f"the packages {', '.join(PACKAGES)} are missing and this user cannot install them "
        "(not root, no password-less sudo)"
    )


def ensure_packages() -> None:
    """Install the manual pages and groff when they are missing (Debian and Ubuntu)."""
    if shutil.which("dpkg-query") is None:
        raise CorpusUnavailable("this is no Debian-like system (no dpkg-query)")
    missing = [p for p in (*PACKAGES, RENDERER_PACKAGE) if not _installed(p)]
    if not missing:
        return
    prefix = _apt_prefix()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Slim images exclude /usr/share/man from dpkg; the benchmark needs the pages themselves.
    for rule in Path("/etc/dpkg/dpkg.cfg.d").glob("*"):
        if rule.is_file() and "path-exclude=/usr/share/man" in rule.read_text(errors="replace"):
            raise CorpusUnavailable(f"{rule} keeps dpkg from installing manual pages")
    subprocess.run([*prefix, "apt-get", "update"], env=env, check=False, capture_output=True)
    done = subprocess.run(
        [*prefix, "apt-get", "install", "-y", "--no-install-recommends", *missing],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise CorpusUnavailable(f"apt-get install {' '.join(missing)} failed: {done.stderr[-400:]}")


def _package_pages(packages: tuple[str, ...]) -> list[Path]:
    listed = subprocess.run(["dpkg", "-L", *packages], capture_output=True, text=True).stdout
    return sorted(
        Path(line)
        for line in listed.splitlines()
        if line.startswith(str(MAN_ROOT / "man")) and line.count("/") == 5
    )


def _is_page(path: Path) -> bool:
    """A real page: no symbolic link, no `.so` redirect to another page."""
    if path.is_symlink() or not path.is_file():
        return False
    head = subprocess.run(["zcat", "-f", str(path)], capture_output=True).stdout[:400]
    return not any(line.startswith(b".so ") for line in head.splitlines()[:5])


def _other_pages(exclude: set[Path]) -> list[Path]:
    found = [
        p
        for section in sorted(MAN_ROOT.glob("man[1-8]"))
        for p in sorted(section.iterdir())
        if p not in exclude
    ]
    return found


def _render(page: Path, target: Path) -> Path | None:
    if target.exists():
        return target if target.stat().st_size >= MIN_TEXT_CHARS else None
    source = subprocess.run(["zcat", "-f", str(page)], capture_output=True).stdout
    done = subprocess.run(
        ["groff", "-man", "-Tutf8", "-P-cbou", "-rLL=78n", "-rcR=1"],
        input=source,
        capture_output=True,
        env=dict(os.environ, LC_ALL="C.UTF-8"),
    )
    text = done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else ""
    partial = target.with_suffix(".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)  # a run stopped half-way leaves no truncated text behind
    return target if len(text) >= MIN_TEXT_CHARS else None


def _text_name(page: Path) -> str:
    name = page.name.removesuffix(".gz")
    return f"{name}.txt"


def _render_all(pages: list[Path], folder: Path, wanted: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    texts: list[Path] = []
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        for start in range(0, len(pages), 64):
            if len(texts) >= wanted:
                break
            batch = [
                p
                for p in pages[start : start + 64]
                if (folder / _text_name(p)).exists() or _is_page(p)
            ]
            rendered = pool.map(lambda p: _render(p, folder / _text_name(p)), batch)
            texts.extend(t for t in rendered if t is not None)
    return texts[:wanted]


def manual_pages(count: int) -> tuple[list[Path], str]:
    """`count` rendered manual pages (text files in the cache) and a line saying what they are."""
    ensure_packages()
    own = _package_pages(PACKAGES)
    if not own:
        raise CorpusUnavailable(f"dpkg lists no manual pages in {', '.join(PACKAGES)}")
    texts = _render_all(own, CACHE / "manpages", count)
    from_packages = len(texts)
    if len(texts) < count:
        others = _other_pages(set(own))
        texts += _render_all(others, CACHE / "other-manpages", count - len(texts))
    line = (
        f"{from_packages:,} pages of {' and '.join(PACKAGES)}, "
        f"{len(texts) - from_packages:,} other manual pages installed here"
    )
    return texts, line


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def shuffled_copy(text: str, seed: int) -> str:
    """The same paragraphs in another order (the first stays first: it names the page)."""
    parts = paragraphs(text)
    head, rest = parts[:1], parts[1:]
    random.Random(seed).shuffle(rest)
    return "\n\n".join(head + rest) + f"\n\n(variant {seed})\n"
