"""Print the package's third-party requirements from setup.cfg, one a line (the Docker image installs them in a
layer of their own, before the source is copied)."""

import configparser
import sys


def requirements(path):
    parser = configparser.ConfigParser()
    if not parser.read(path, encoding="utf-8"):
        raise SystemExit(f"{path}: cannot read it")
    return [line.strip() for line in parser["options"]["install_requires"].splitlines() if line.strip()]


if __name__ == "__main__":
    print("\n".join(requirements(sys.argv[1] if len(sys.argv) > 1 else "setup.cfg")))
