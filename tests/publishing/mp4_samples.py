"""Build small MP4/QuickTime files box by box (ISO/IEC 14496-12), for tests: only the
boxes Tribune reads are real, the media data is zeros."""

from __future__ import annotations

import struct

IDENTITY = (0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
ROTATE_90 = (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)


def box(kind: bytes, payload: bytes, *, large: bool = False) -> bytes:
    if large:  # 64-bit size
        return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def full(kind: bytes, version: int, payload: bytes) -> bytes:
    return box(kind, bytes([version, 0, 0, 0]) + payload)


def _track(handler: bytes, codec: bytes, width: int, height: int, matrix, duration: int) -> bytes:
    tkhd = full(
        b"tkhd",
        0,
        struct.pack(">IIIII", 0, 0, 1, 0, duration)
        + b"\0" * 8
        + struct.pack(">hhhh", 0, 0, 0, 0)
        + struct.pack(">9i", *matrix)
        + struct.pack(">II", width << 16, height << 16),
    )
    hdlr = full(b"hdlr", 0, b"\0" * 4 + handler + b"\0" * 12 + b"Handler\0")
    stsd = full(b"stsd", 0, struct.pack(">I", 1) + box(codec, b"\0" * 78))
    return box(b"trak", tkhd + box(b"mdia", hdlr + box(b"minf", box(b"stbl", stsd))))


def make_mp4(
    duration: float = 12.5,
    width: int = 1280,
    height: int = 720,
    *,
    codec: bytes = b"avc1",
    audio: bool = True,
    video: bool = True,
    brand: bytes = b"isom",
    rotate: bool = False,
    mdat_bytes: int = 2048,
    moov_last: bool = False,
    version1: bool = False,
    large_mdat: bool = False,
    timescale: int = 1000,
) -> bytes:
    ftyp = box(b"ftyp", brand + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    ticks = int(duration * timescale)
    if version1:
        mvhd = full(b"mvhd", 1, struct.pack(">QQIQ", 0, 0, timescale, ticks) + b"\0" * 80)
    else:
        mvhd = full(b"mvhd", 0, struct.pack(">IIII", 0, 0, timescale, ticks) + b"\0" * 80)
    tracks = b""
    if video:
        matrix = ROTATE_90 if rotate else IDENTITY
        tracks += _track(b"vide", codec, width, height, matrix, ticks)
    if audio:
        tracks += _track(b"soun", b"mp4a", 0, 0, IDENTITY, ticks)
    moov = box(b"moov", mvhd + tracks)
    mdat = box(b"mdat", b"\0" * mdat_bytes, large=large_mdat)
    return ftyp + (mdat + moov if moov_last else moov + mdat)
