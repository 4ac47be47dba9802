"""``gerai`` / ``python -m app``: the GUI by default, subcommands for headless jobs."""

import sys


def main(argv: list[str] | None = None) -> int:
    from app.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
