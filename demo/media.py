"""Demo video clips: moving test patterns made at setup by ffmpeg, never stored in the repository.

`python3 -m demo ensure` (what `python3 app.py` runs first) calls `ensure_clips`; the app serves
the files at /media/demo/<n>.mp4 and /media/demo/<n>.flv (web/media.py), and the demo
warehouse's cameras without a stream address play them on the video wall (docs/dispatch.md).
"""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

from core.config import PROJECT_DIR

CLIP_DIR = PROJECT_DIR / "data" / "demo_media"
# One lavfi source per clip: different moving patterns, so neighbouring tiles look different.
PATTERNS = (
    "testsrc2=size=480x270:rate=25",
    "testsrc=size=480x270:rate=25",
    "life=size=480x270:rate=25:mold=10:ratio=0.1:death_color=#203040:life_color=#6fd0ff",
    "mandelbrot=size=480x270:rate=25",
)
SECONDS = 8


def ffmpeg_binary() -> str | None:
    """Debian's ffmpeg on PATH, else the one the PyPI package imageio-ffmpeg ships; None without either."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg  # type: ignore[import-not-found]
    except ImportError:
        return None
    return imageio_ffmpeg.get_ffmpeg_exe()


def _encode(ffmpeg: str, pattern: str, mp4: Path, flv: Path) -> None:
    """One H.264 clip as MP4 (played natively) and the same stream as FLV (played by mpegts.js)."""
    tmp_mp4, tmp_flv = mp4.with_suffix(".part.mp4"), flv.with_suffix(".part.flv")
    quiet = ["-hide_banner", "-loglevel", "error", "-y"]
    subprocess.run([ffmpeg, *quiet, "-f", "lavfi", "-i", pattern, "-t", str(SECONDS),
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-profile:v", "baseline", "-g", "25",
                    "-movflags", "+faststart", "-an", str(tmp_mp4)], check=True, timeout=120)
    subprocess.run([ffmpeg, *quiet, "-i", str(tmp_mp4), "-c", "copy", str(tmp_flv)], check=True, timeout=60)
    os.replace(tmp_flv, flv)
    os.replace(tmp_mp4, mp4)


def ensure_clips(directory: Path = CLIP_DIR) -> list[Path]:
    """Write the clips that are missing (1.mp4 … 4.mp4 and .flv); return the MP4 paths.

    A file lock keeps several starting processes from encoding at once; a clip appears only
    when complete (written under a temporary name, then renamed). Without ffmpeg it says so
    and returns what exists: the wall then shows "no signal" with the reason.
    """
    directory.mkdir(parents=True, exist_ok=True)
    wanted = [(directory / f"{n}.mp4", directory / f"{n}.flv", p) for n, p in enumerate(PATTERNS, start=1)]
    if all(mp4.exists() and flv.exists() for mp4, flv, _ in wanted):
        return [mp4 for mp4, _, _ in wanted]
    ffmpeg = ffmpeg_binary()
    if ffmpeg is None:
        print("演示视频需要 ffmpeg / the demo clips need ffmpeg (apt-get install ffmpeg)", file=sys.stderr)
        return [mp4 for mp4, _, _ in wanted if mp4.exists()]
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for mp4, flv, pattern in wanted:
            if not (mp4.exists() and flv.exists()):
                _encode(ffmpeg, pattern, mp4, flv)
    return [mp4 for mp4, _, _ in wanted]
