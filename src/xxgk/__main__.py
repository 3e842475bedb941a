"""``python -m xxgk`` and the ``xxgk`` command: a Ctrl-C even while Python loads the program ends in 已中断, exit 130."""
import sys


def run() -> None:
    try:
        from .cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        sys.exit(130)


if __name__ == "__main__":  # not when a spawned worker process imports it
    run()
