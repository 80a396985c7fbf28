"""The `nocturne` command line. Every command is a thin layer over the core packages."""

from __future__ import annotations

import argparse
import errno
import functools
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nocturne import __version__, paths
from nocturne.errors import KnownError
from nocturne.paths import display_path


def _settings() -> Any:
    from nocturne.settings import Settings

    return Settings.load()


def _store() -> Any:
    from nocturne.library.store import Store

    return Store.open()


def cmd_add(args: argparse.Namespace) -> int:
    from nocturne.engine.factory import make_tokenizer
    from nocturne.library.ingest import add_paths
    from nocturne.schedule.folders import watch_folders_among

    settings = _settings()
    named = {os.path.abspath(Path(path).expanduser()) for path in args.paths}
    failed = failed_named = 0
    with _store() as store:
        counter = make_tokenizer(settings)
        for result in add_paths(store, args.paths, settings, counter):
            print(result.line(), flush=True)
            failed += result.failed
            failed_named += result.failed and result.path in named
        # Folders stay watched: the daemon or the window picks up later changes in them.
        watch_folders_among(store, args.paths)
    if failed:
        print(f"nocturne: {failed} file(s) could not be added", file=sys.stderr)
    # The rule `add` and `rebuild` share: every file that cannot be read is listed and the rest
    # added; the status is 1 only when a file the command was given by name could not be.
    return 1 if failed_named else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from nocturne.answer.ask import answer_question, ask
    from nocturne.answer.follow_up import just_asked, read_with
    from nocturne.answer.plain import READ_ONLY_NOTE, plain_output, streamed_display
    from nocturne.engine.factory import make_engine
    from nocturne.engine.logged import LoggedEngine
    from nocturne.schedule.questions_in_flight import question_in_flight

    settings = _settings()
    streamed: list[str] = []
    shown = ""
    # A digest run by the daemon or the window gives up the CPU for the question at once, before
    # the model loads (so the engine's CPU reading no longer sees the digest).
    with question_in_flight(), _store() as store:
        # A read-only library answers from what it holds; nothing is logged (it cannot be).
        writable = store.can_write()
        engine = make_engine(settings, "answer")
        if writable:
            engine = LoggedEngine(engine, store)
        streaming = not args.json and sys.stdout.isatty()

        def show(delta: str) -> None:
            nonlocal shown
            streamed.append(delta)
            now = streamed_display("".join(streamed))
            if now.startswith(shown):
                print(now[len(shown) :], end="", flush=True)
                shown = now

        answering = ask if writable else functools.partial(answer_question, use_kv_cache=False)
        answer = answering(
            store,
            engine,
            args.question,
            settings,
            args.mode,
            on_text=show if streaming else None,
            harder=args.think_harder,
            earlier=just_asked(store) if _reads_follow_ups(args) else [],
        )
        out_of_date = _cited_files_note(store, answer.citations)
    note = str(answer.extra.get("note") or "")  # what Think harder did
    if not writable:
        note = f"{note}\n{READ_ONLY_NOTE}".strip()
    if args.json:
        extra = {"note": note} if note else {}
        if out_of_date:
            extra["sources_note"] = out_of_date
        print(json.dumps({**answer.to_json(), **extra}, indent=2))
        return 0
    if streaming and shown.strip() == answer.answer.strip():
        print()
    else:
        if streaming and shown:
            # What streamed is not the final answer (a phrase the answer dropped): erase it,
            # so only the final answer stays on the screen.
            sys.stdout.write(_erase(shown))
        print(answer.answer)
    if answer.citations:
        print("\nSources:")
        for citation in answer.citations:
            print(f"  - {citation.label()}")
        if out_of_date:
            print(out_of_date)
    print()
    for line in plain_output(answer):
        print(line)
    if answer.follows:
        print(f"{read_with(answer.follows)} (--fresh asks it on its own).")
    if note:
        print(note)
    return 0


def _cited_files_note(store: Any, citations: Sequence[Any]) -> str:
    """The line saying which cited documents' files changed since they were read or are gone."""
    from nocturne.library.file_changes import sources_note

    paths_cited = list(dict.fromkeys(citation.path for citation in citations if citation.path))
    documents = [store.document_by_path(path) for path in paths_cited]
    return sources_note(document for document in documents if document is not None)


def _reads_follow_ups(args: argparse.Namespace) -> bool:
    """A follow-up is read with the questions just asked when a person types them at a
    terminal, or when asked for (`--follow-up`); never in a script's run of separate questions
    (`--json`, piped), whose questions are each their own."""
    if args.fresh:
        return False
    interactive = sys.stdin.isatty() and sys.stdout.isatty() and not args.json
    return bool(args.follow_up) or interactive


def _erase(shown: str) -> str:
    """Terminal codes that move back to where `shown` began and clear from there on."""
    import shutil

    columns = max(shutil.get_terminal_size().columns, 1)
    rows = sum(max(1, -(-len(line) // columns)) for line in shown.split("\n"))
    up = f"\x1b[{rows - 1}A" if rows > 1 else ""
    return f"\r{up}\x1b[J"


def cmd_status(args: argparse.Namespace) -> int:
    from nocturne.status_report import format_engines, format_status, library_status

    settings = _settings()
    with _store() as store:
        report = library_status(store, settings)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print(format_status(report))
        print("Engines:        " + "; ".join(format_engines(settings)))
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from nocturne.sleeptime.command import run_digest_command

    return int(run_digest_command(args))


def cmd_bench(args: argparse.Namespace) -> int:
    from nocturne.answer.bench import run_bench_command

    return int(run_bench_command(args))


def cmd_daemon(args: argparse.Namespace) -> int:
    from nocturne.schedule.daemon import run_daemon

    return int(run_daemon(verbose=args.verbose, assume_idle=args.assume_idle))


def cmd_backup(args: argparse.Namespace) -> int:
    from nocturne.library.backups import KEEP, list_backups, make_backup

    if not args.list:
        with _store() as store:
            taken = make_backup(store, "manual")
        print(f"backed up the library to {display_path(taken.path)}")
    kept = list_backups()
    print(f"{len(kept)} backup(s) kept (the last {KEEP}):" if kept else "no backups yet")
    for backup in kept:
        print(f"  {backup.line()}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from nocturne.library.backups import Backup, list_backups, restore_backup

    chosen: Backup | None = None
    if args.backup:
        wanted = Path(args.backup).expanduser().resolve()
        chosen = next((b for b in list_backups() if b.path.resolve() == wanted), None)
        if chosen is None:
            raise KnownError(f"{display_path(wanted)} is not one of the kept backups")
    recovery = restore_backup(chosen)
    assert recovery.source is not None
    if recovery.kept_as is not None:
        print(f"kept the library it replaces as {display_path(recovery.kept_as)}")
    source = recovery.source
    print(f"restored the backup of {source.when} ({source.documents} document(s))")
    with _store() as store:  # opens, migrates and checks the restored file
        documents = len(store.documents())
    print(f"the library holds {documents} document(s); notes are as they were then")
    if recovery.history.line():
        print(recovery.history.line())
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from nocturne.engine.factory import make_tokenizer
    from nocturne.library.backups import start_rebuild
    from nocturne.library.ingest import add_paths
    from nocturne.library.kept_history import carry_history
    from nocturne.schedule.folders import watch_folders_among

    recovery = start_rebuild()
    if recovery.kept_as is not None:
        print(f"kept the damaged library as {display_path(recovery.kept_as)}")
    settings = _settings()
    again = recovery.paths_to_add()
    failed = 0
    with _store() as store:
        if not again:
            history = carry_history(store, recovery.kept_as)
            if history.line():
                print(history.line())
            print(f"{recovery.nothing_to_add()} (`nocturne add PATH`)")
            return 0
        counter = make_tokenizer(settings)
        added = 0
        for result in add_paths(store, again, settings, counter):
            print(result.line(), flush=True)
            failed += result.failed
            added += result.status in ("added", "updated", "unchanged")
        watch_folders_among(store, again)
        # after the documents, so that each answer finds the documents it used
        history = carry_history(store, recovery.kept_as)
    if history.line():
        print(history.line())
    if failed:
        print(f"nocturne: {failed} file(s) could not be added", file=sys.stderr)
    if not added:  # every document is gone or unreadable: nothing was rebuilt
        print("nocturne: none of the documents could be added again", file=sys.stderr)
        return 1
    print("the learned notes are digested again at the next digest (`nocturne digest` now)")
    # As `add` does for the files inside a folder: the library is rebuilt, what could not be
    # read is listed above, and that is not a failure of the command.
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from nocturne.ui.app import run_gui

    return int(run_gui(args))


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0:  # 0 stops at once, keeping the plan: a check that the digest would run
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds (it is negative)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nocturne",
        description="Personal document Q&A that does its thinking while you sleep.",
    )
    parser.add_argument("--version", action="version", version=f"nocturne {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the desktop window (the default)")
    gui.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, process events, close it and exit (for installers)",
    )
    gui.add_argument(
        "--repair",
        action="store_true",
        help="check the whole library file before opening it, and offer to repair it if damaged",
    )
    gui.set_defaults(func=cmd_gui)

    add = sub.add_parser(
        "add",
        help="add files and folders (recursively) to the library",
        description="Adds files and folders (recursively); a file that cannot be read is listed "
        "with its reason and the rest are added. Exit status 1 only when a file named on the "
        "command line could not be added; a bad file inside a folder does not fail it.",
    )
    add.add_argument("paths", nargs="+", metavar="PATH")
    add.set_defaults(func=cmd_add)

    digest = sub.add_parser("digest", help="run sleep-time compute now, in the foreground")
    digest.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="only these documents (files or folders as they were added), first; notes across "
        "documents wait for a digest of the whole library",
    )
    digest.add_argument(
        "--budget",
        choices=("low", "medium", "high"),
        default=None,
        help="how much to learn (default: the digest_budget setting)",
    )
    digest.add_argument(
        "--max-seconds",
        type=_positive_seconds,
        default=None,
        metavar="N",
        help="stop after N seconds, keeping all finished work",
    )
    digest.set_defaults(func=cmd_digest)

    ask = sub.add_parser("ask", help="answer a question from the library")
    ask.add_argument("question")
    ask.add_argument("--mode", choices=("auto", "instant", "learned", "raw"), default="auto")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument(
        "--think-harder",
        action="store_true",
        help="spend more time on the answer: read more passages one by one and choose "
        "(the documents themselves only with a large model)",
    )
    follow = ask.add_mutually_exclusive_group()
    follow.add_argument(
        "--fresh",
        action="store_true",
        help="ask it on its own: at a terminal a follow-up ('and when is it due?') is otherwise "
        "read with the questions asked in the last minutes",
    )
    follow.add_argument(
        "--follow-up",
        action="store_true",
        help="read a follow-up with the questions asked in the last minutes, also with --json "
        "or piped (at a terminal it is the default)",
    )
    ask.set_defaults(func=cmd_ask)

    status = sub.add_parser("status", help="documents, digest progress, tokens spent and saved")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)

    bench = sub.add_parser(
        "bench",
        help="measure accuracy, tokens and speed in every mode, and the sleep-time gain",
        description="Answers every question in each mode (auto with and without the digest's "
        "notes, learned, a sample in raw, the BM25-sentence reference) and reports accuracy "
        "(per kind when the file has `kind`), the sleep-time gain, right-document rate, instant "
        "hit rate and precision, calibration, cut answers, tokens, time to first token and cost.",
    )
    bench.add_argument(
        "questions",
        metavar="QUESTIONS.jsonl",
        help='one JSON object a line: "question", "answers" (empty: unanswerable), optional '
        '"kind" and "doc"/"document" (expected file name, a list of two, or null)',
    )
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--plot", metavar="FILE.png")
    bench.add_argument("--limit", type=int, default=None, help="only the first N questions")
    bench.add_argument(
        "--raw-sample",
        default=None,
        metavar="N|all",
        help="raw mode (about 3 s a question) runs on N evenly spaced questions (default 60)",
    )
    bench.set_defaults(func=cmd_bench)

    backup = sub.add_parser("backup", help="back up the library now and list the backups kept")
    backup.add_argument("--list", action="store_true", help="only list the backups kept")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser(
        "restore", help="put the newest good backup in place of the library (kept aside first)"
    )
    restore.add_argument("backup", nargs="?", metavar="BACKUP", help="a backup file to restore")
    restore.set_defaults(func=cmd_restore)

    rebuild = sub.add_parser(
        "rebuild",
        help="start a new library from the original files (the old one is kept aside)",
        description="Starts a new library and adds the old one's documents and watched folders "
        "again. Files that cannot be read are listed, as `add` lists them; the exit status is 0 "
        "once the library is rebuilt, 1 when none of the documents could be added.",
    )
    rebuild.set_defaults(func=cmd_rebuild)

    daemon = sub.add_parser("daemon", help="run the scheduler without a window")
    daemon.add_argument("--verbose", action="store_true", help="log every decision to stderr")
    daemon.add_argument(
        "--assume-idle",
        action="store_true",
        help="treat the machine as idle (headless servers with no person at the keyboard)",
    )
    daemon.set_defaults(func=cmd_daemon)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui", *(argv or [])])
    try:
        return int(args.func(args))
    except KnownError as exc:
        print(f"nocturne: error: {exc}", file=sys.stderr)
        if getattr(exc, "condition", "") == "damaged" and args.command not in (
            "restore",
            "rebuild",
        ):
            print(_repair_hint(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nnocturne: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug of ours: one plain line, the traceback in the log
        return _report_bug(exc, str(args.command))


def _repair_hint() -> str:
    from nocturne.library.backups import list_backups

    newest = next(iter(list_backups()), None)
    restore = (
        f"`nocturne restore` puts back the backup of {newest.taken_at.astimezone():%Y-%m-%d %H:%M}"
        if newest is not None
        else "there is no backup to restore"
    )
    return (
        f"nocturne: {restore}; `nocturne rebuild` starts a new library from your documents "
        "(either keeps the damaged file aside)"
    )


def _report_bug(exc: Exception, command: str) -> int:
    from nocturne.library.store import escaped_store_error

    known = escaped_store_error(exc) or _unwritable_library_file(exc)
    if known is not None:  # the environment's fault after all (met while iterating rows)
        print(f"nocturne: error: {known}", file=sys.stderr)
        return 1
    log_file = _log_bug(exc, command)
    where = f"details in {display_path(log_file)}" if log_file else "details below"
    print(
        f"nocturne: internal error (a bug in Nocturne): {type(exc).__name__}: {exc}; {where}",
        file=sys.stderr,
    )
    if log_file is None:  # the log cannot be written: the traceback must go somewhere
        traceback.print_exception(exc)
    return 70  # EX_SOFTWARE


def _unwritable_library_file(exc: Exception) -> KnownError | None:
    """An `OSError` on a file of the library folder itself (a flag or lock not yet made to say
    so where it is written): the library cannot be written, not a bug."""
    from nocturne.errors import library_file_error

    if not isinstance(exc, OSError) or not isinstance(exc.filename, str):
        return None
    if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC):
        return None  # a file of ours missing or in the wrong place may well be a bug
    try:
        inside = Path(exc.filename).resolve().is_relative_to(paths.data_dir().resolve())
    except (OSError, KnownError):
        return None
    return library_file_error(exc.filename, exc) if inside else None


def _log_bug(exc: Exception, command: str) -> Path | None:
    """Append the traceback to `logs/cli.log`; None when that cannot be written."""
    from datetime import datetime

    try:
        log_file = paths.log_dir() / "cli.log"
        with log_file.open("a", encoding="utf-8", errors="backslashreplace") as handle:
            stamp = datetime.now().astimezone().isoformat(timespec="seconds")
            handle.write(f"{stamp} nocturne {__version__} {command}: uncaught exception\n")
            handle.write("".join(traceback.format_exception(exc)) + "\n")
    except OSError:
        return None
    return log_file


def gui_main() -> int:
    return main(["gui"])
