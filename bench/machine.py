"""The machine line every bench prints first, so a figure can be read against where it was measured."""

import os
import platform
from pathlib import Path


def describe():
    """`2 x <cpu model>; Python 3.11.7; load average 0.52 0.61 0.80`."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                 platform.processor() or platform.machine())
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} x {model}; Python {platform.python_version()}; load average {load}"
