"""Builds a Bluesky repository export (CAR v1) the way the format is documented: a
header ``{version: 1, roots: [commit]}``, then blocks ``varint(len) · CID · DAG-CBOR``;
the signed commit points to the root of a Merkle search tree whose entries map
``collection/rkey`` keys (prefix-compressed) to record CIDs."""

from __future__ import annotations

import hashlib
from typing import Any

import libipld


def cid_of(data: bytes) -> bytes:
    # CIDv1, codec dag-cbor (0x71), multihash sha2-256 (0x12, 32 bytes).
    return bytes([0x01, 0x71, 0x12, 0x20]) + hashlib.sha256(data).digest()


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def build_car(did: str, records: dict[str, dict[str, Any]]) -> bytes:
    blocks: list[tuple[bytes, bytes]] = []

    def put(value: Any) -> bytes:
        data = libipld.encode_dag_cbor(value)
        cid = cid_of(data)
        blocks.append((cid, data))
        return cid

    entries, previous = [], b""
    for key in sorted(records):
        value_cid = put(records[key])
        raw = key.encode()
        shared = 0
        while shared < min(len(raw), len(previous)) and raw[shared] == previous[shared]:
            shared += 1
        entries.append({"p": shared, "k": raw[shared:], "v": value_cid, "t": None})
        previous = raw
    root = put({"l": None, "e": entries})
    commit = put(
        {
            "did": did,
            "version": 3,
            "data": root,
            "rev": "3kabcdefgh2a2",
            "prev": None,
            "sig": b"\x00" * 64,
        }
    )
    header = libipld.encode_dag_cbor({"version": 1, "roots": [commit]})
    out = bytearray(varint(len(header)) + header)
    for cid, data in [blocks[-1], *blocks[:-1]]:
        out += varint(len(cid) + len(data)) + cid + data
    return bytes(out)


def sample_repo() -> bytes:
    did = "did:plc:alpha2ext4mple5idxyz"
    return build_car(
        did,
        {
            "app.bsky.feed.post/3kfirst2post2a": {
                "$type": "app.bsky.feed.post",
                "text": "Premier post sur Bluesky 🎉",
                "createdAt": "2024-02-01T10:00:00.000Z",
                "langs": ["fr"],
            },
            "app.bsky.feed.post/3ksecond2post2": {
                "$type": "app.bsky.feed.post",
                "text": "Nos horaires de février",
                "createdAt": "2024-02-03T08:15:00.000Z",
                "langs": ["fr"],
            },
            "app.bsky.feed.like/3klike2aaaaa2a": {
                "$type": "app.bsky.feed.like",
                "subject": {"uri": "at://did:plc:other/app.bsky.feed.post/x", "cid": "bafy"},
                "createdAt": "2024-02-02T09:00:00.000Z",
            },
            "app.bsky.actor.profile/self": {
                "$type": "app.bsky.actor.profile",
                "displayName": "Alpha",
            },
        },
    )
