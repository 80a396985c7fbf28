"""The frozen app's entry point: the same `nocturne` command as `pip install` gives."""

import multiprocessing

from nocturne.cli import main

if __name__ == "__main__":
    # The digest runs in a spawned process; a frozen executable must recognise that child.
    multiprocessing.freeze_support()
    raise SystemExit(main())
