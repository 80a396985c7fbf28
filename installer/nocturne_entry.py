"""The frozen app's entry point: the same `nocturne` command as `pip install` gives."""

from nocturne.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
