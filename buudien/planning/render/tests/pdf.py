"""The .docx read back the way a person reads it: converted to PDF by LibreOffice (headless),
its text extracted by pdftotext. Both come from Debian: libreoffice-writer-nogui,
fonts-liberation2 (Times New Roman's metric twin) and poppler-utils."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFFONTS = shutil.which("pdffonts")

needs_soffice = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None or PDFFONTS is None,
    reason="LibreOffice (soffice) or poppler-utils is not installed: "
    "apt-get install libreoffice-writer-nogui fonts-liberation2 poppler-utils",
)


@dataclass
class Pdf:
    text: str  # whitespace runs collapsed: a figure the layout split still reads as one
    fonts: str  # pdffonts' listing
    pages: int


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, timeout=240).stdout.decode()


def docx_to_pdf(data: bytes) -> Pdf:
    assert SOFFICE and PDFTOTEXT and PDFFONTS
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        source.write_bytes(data)
        _run(
            SOFFICE,
            # A profile of its own, so that conversions may run side by side.
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        )
        pdf = folder / "report.pdf"
        assert pdf.exists(), "LibreOffice made no PDF"
        text = _run(PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-")
        fonts = _run(PDFFONTS, str(pdf))
        info = _run("pdfinfo", str(pdf)) if shutil.which("pdfinfo") else ""
    pages = next(
        (int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0
    )
    return Pdf(text=" ".join(text.split()), fonts=fonts, pages=pages)
