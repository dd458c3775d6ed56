"""What a video file is, read from its own bytes: container by magic bytes, then duration,
dimensions and codecs from the MP4/QuickTime box structure (ISO/IEC 14496-12), in pure
Python. Only the ``moov`` box is read (a few hundred kilobytes even for long videos); the
media data is never decoded.

Boxes used: ``ftyp`` (brand: MP4 or QuickTime), ``moov/mvhd`` (timescale, duration),
``moov/trak/tkhd`` (track size and rotation matrix), ``trak/mdia/hdlr`` (video or sound
track), ``trak/mdia/minf/stbl/stsd`` (the codec's four-character code).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _

MAX_MOOV_BYTES = 64 * 1024 * 1024  # larger "movie headers" are not videos people post
# Codecs every network that takes video decodes (H.264 first of all, HEVC on most).
VIDEO_CODECS = {
    "avc1": "H.264",
    "avc3": "H.264",
    "hvc1": "HEVC",
    "hev1": "HEVC",
    "mp4v": "MPEG-4",
    "av01": "AV1",
    "vp09": "VP9",
}


class VideoError(ValueError):
    """A message for a person."""


@dataclass(frozen=True)
class VideoInfo:
    mime_type: str  # video/mp4 or video/quicktime
    duration: float  # seconds
    width: int  # as displayed (rotation applied)
    height: int
    video_codec: str  # four-character code, e.g. "avc1"
    has_audio: bool = False
    audio_codecs: tuple[str, ...] = field(default_factory=tuple)

    @property
    def codec_label(self) -> str:
        return VIDEO_CODECS.get(self.video_codec, self.video_codec)


def sniff(head: bytes) -> str:
    """The container from the first bytes: ``mp4``, ``quicktime``, or a refusal."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "quicktime" if head[8:12] == b"qt  " else "mp4"
    if len(head) >= 8 and head[4:8] in {b"moov", b"mdat", b"wide", b"free", b"skip"}:
        return "quicktime"  # old QuickTime files start without ftyp
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        raise VideoError(_("WebM/MKV videos are not accepted by most networks: export as MP4."))
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        raise VideoError(_("AVI videos are not accepted by the networks: export as MP4."))
    raise VideoError(_("This file is not a video Tribune can read (use MP4 or MOV)."))


def _boxes(data: bytes, start: int = 0, end: int | None = None):  # type: ignore[no-untyped-def]
    """``(type, payload_start, box_end)`` for each box in ``data[start:end]``."""
    end = len(data) if end is None else end
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        header = 8
        if size == 1:
            if offset + 16 > end:
                return
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
            header = 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            return
        yield kind.decode("latin-1"), offset + header, offset + size
        offset += size


def _child(data: bytes, start: int, end: int, *path: str) -> tuple[int, int] | None:
    for name in path:
        found = next(((s, e) for k, s, e in _boxes(data, start, end) if k == name), None)
        if found is None:
            return None
        start, end = found
    return start, end


def _read_moov(handle: BinaryIO) -> bytes:
    """Walk the top-level boxes (seeking over ``mdat``) to the ``moov`` box."""
    handle.seek(0)
    while True:
        header = handle.read(8)
        if len(header) < 8:
            raise VideoError(_("This video has no movie header (moov): the file is incomplete."))
        size, kind = struct.unpack(">I4s", header)
        header_size = 8
        if size == 1:
            size = struct.unpack(">Q", handle.read(8))[0]
            header_size = 16
        if kind == b"moov":
            if size == 0:
                return handle.read(MAX_MOOV_BYTES)
            if size - header_size > MAX_MOOV_BYTES:
                raise VideoError(_("This video's header is too large to be a normal video."))
            moov = handle.read(size - header_size)
            if len(moov) < size - header_size:
                raise VideoError(_("This video file is incomplete (cut during the transfer?)."))
            return moov
        if size == 0:  # last box, to the end of the file: no moov after it
            raise VideoError(_("This video has no movie header (moov): the file is incomplete."))
        if size < header_size:
            raise VideoError(_("This video file is damaged."))
        handle.seek(size - header_size, 1)


def _duration(moov: bytes) -> float:
    found = _child(moov, 0, len(moov), "mvhd")
    if found is None:
        raise VideoError(_("This video file is damaged (no movie header)."))
    start, end = found
    version = moov[start]
    if version == 1:
        timescale, duration = struct.unpack(">IQ", moov[start + 20 : start + 32])
    else:
        timescale, duration = struct.unpack(">II", moov[start + 12 : start + 20])
    if not timescale:
        raise VideoError(_("This video file is damaged (no time scale)."))
    return duration / timescale


def _track(moov: bytes, start: int, end: int) -> tuple[str, str, int, int]:
    """``(handler, codec, width, height)`` of one ``trak``."""
    handler = codec = ""
    width = height = 0
    hdlr = _child(moov, start, end, "mdia", "hdlr")
    if hdlr is not None:
        handler = moov[hdlr[0] + 8 : hdlr[0] + 12].decode("latin-1")
    stsd = _child(moov, start, end, "mdia", "minf", "stbl", "stsd")
    if stsd is not None and stsd[1] - stsd[0] >= 16:
        codec = moov[stsd[0] + 12 : stsd[0] + 16].decode("latin-1")
    tkhd = _child(moov, start, end, "tkhd")
    if tkhd is not None:
        base = tkhd[0] + (36 if moov[tkhd[0]] == 1 else 24)  # after the track duration
        matrix_at = base + 16  # reserved(8) layer(2) group(2) volume(2) reserved(2)
        if matrix_at + 44 <= tkhd[1]:
            a, b = struct.unpack(">ii", moov[matrix_at : matrix_at + 8])
            fixed_w, fixed_h = struct.unpack(">II", moov[matrix_at + 36 : matrix_at + 44])
            width, height = fixed_w >> 16, fixed_h >> 16
            if a == 0 and b != 0:  # rotated by 90° or 270°: shown the other way round
                width, height = height, width
    return handler, codec, width, height


def probe(handle: BinaryIO) -> VideoInfo:
    """Read a video's facts from a seekable binary file; ``VideoError`` if it is not one
    (whatever the bytes: a damaged or hostile file never raises anything else)."""
    try:
        return _probe(handle)
    except (struct.error, IndexError, OverflowError, ValueError) as exc:
        if isinstance(exc, VideoError):
            raise
        raise VideoError(_("This video file is damaged.")) from None


def _probe(handle: BinaryIO) -> VideoInfo:
    handle.seek(0)
    container = sniff(handle.read(16))
    moov = _read_moov(handle)
    duration = _duration(moov)
    video: tuple[str, int, int] | None = None
    audio: list[str] = []
    for kind, start, end in _boxes(moov):
        if kind != "trak":
            continue
        handler, codec, width, height = _track(moov, start, end)
        if handler == "vide" and video is None:
            video = (codec, width, height)
        elif handler == "soun":
            audio.append(codec)
    if video is None:
        raise VideoError(_("This file has no video track (sound only?)."))
    codec, width, height = video
    if not width or not height:
        raise VideoError(_("This video's picture size cannot be read."))
    return VideoInfo(
        mime_type="video/quicktime" if container == "quicktime" else "video/mp4",
        duration=duration,
        width=width,
        height=height,
        video_codec=codec,
        has_audio=bool(audio),
        audio_codecs=tuple(audio),
    )
