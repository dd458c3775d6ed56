"""Hostile image uploads: the real type is sniffed (never the name), sizes and pixel
counts are bounded before decoding, and what is stored is re-encoded — nothing the
uploader appended or hid survives (``tribune/publishing/media.py``)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.utils import translation
from PIL import Image

from tribune.publishing import media


def _png(size=(64, 64), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 20, 30) if mode == "RGB" else (10, 20, 30, 128)).save(
        out, format="PNG"
    )
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PAYLOAD = b"<script>alert(document.cookie)</script><?php system($_GET['c']); ?>"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><script>alert(1)</script></body></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"%PDF-1.7\n1 0 obj<<>>endobj",
        b"MZ\x90\x00" + b"\x00" * 100,  # a Windows executable
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # a PNG signature, then nothing valid
        b"",
    ],
    ids=["html", "svg", "pdf", "exe", "fake-png", "empty"],
)
@translation.override("en")
def test_non_images_are_refused_whatever_their_name(data):
    with pytest.raises(media.MediaError):
        media.check_image(data)


@translation.override("en")
def test_polyglot_payloads_do_not_survive_re_encoding():
    png = _png()
    # After IEND (appended) and inside a text chunk (hidden in the middle).
    appended = png + PAYLOAD
    iend = png.rindex(b"IEND") - 4
    hidden = png[:iend] + _chunk(b"tEXt", b"Comment\x00" + PAYLOAD) + png[iend:]
    for data in (appended, hidden):
        clean = media.check_image(data)
        assert PAYLOAD not in clean.content and b"<script>" not in clean.content
        assert clean.mime_type in {"image/png", "image/jpeg"}
        Image.open(io.BytesIO(clean.content)).verify()  # what we store is a real image


@translation.override("en")
def test_decompression_bombs_are_refused_before_decoding():
    # A tiny file that claims 50,000 × 50,000 pixels (2.5 gigapixels).
    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )
    with pytest.raises(media.MediaError, match="too large|not an image"):
        media.check_image(bomb)


@translation.override("en")
def test_oversized_files_are_refused_before_parsing(monkeypatch):
    opened = []
    monkeypatch.setattr(media.Image, "open", lambda *a, **k: opened.append(1))
    with pytest.raises(media.MediaError, match="20 MB"):
        media.check_image(b"\xff\xd8" + b"\x00" * (media.MAX_UPLOAD_BYTES + 1))
    assert opened == []


@translation.override("en")
def test_transparency_is_kept_and_metadata_dropped():
    out = io.BytesIO()
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    info = __import__("PIL.PngImagePlugin", fromlist=["PngInfo"]).PngInfo()
    info.add_text("Author", "Jeanne Secret, 12 rue X")
    image.save(out, format="PNG", pnginfo=info)
    clean = media.check_image(out.getvalue())
    assert clean.mime_type == "image/png"
    assert b"Jeanne Secret" not in clean.content
