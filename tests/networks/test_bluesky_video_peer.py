"""A video post on a real local Bluesky network (PDS + AppView + PLC): the PDS accepts the
MP4 blob (it sniffs the type itself) and the ``app.bsky.embed.video`` record, and the blob
reads back byte for byte. The dev network has no video service, so the player view itself
is not checked."""

from __future__ import annotations

import uuid

import pytest
from atproto import models

from tests.peers import bluesky as peer
from tests.publishing.mp4_samples import make_mp4
from tribune.networks.base import Credentials, MediaItem, PostRequest
from tribune.networks.bluesky.connector import BlueskyConnector

pytestmark = pytest.mark.peer


def test_video_post_on_a_real_pds(bluesky_network, bluesky_accounts):
    account = bluesky_accounts[0]
    owner = peer.logged_in_client(bluesky_network, account)
    app_password = owner.com.atproto.server.create_app_password(
        models.ComAtprotoServerCreateAppPassword.Data(name=f"tribune-video-{uuid.uuid4().hex[:6]}")
    ).password
    connector = BlueskyConnector(
        Credentials(
            handle=account.handle,
            secrets={"app_password": app_password},
            base_url=bluesky_network.pds_url,
        ),
        allow_private=True,
    )
    clip = make_mp4(9.5, 1080, 1920)
    published = connector.publish(
        PostRequest(
            text="Les coulisses en vidéo",
            idempotency_key=str(uuid.uuid4()),
            media=[MediaItem(clip, "video/mp4", alt_text="Un artisan au travail")],
        )
    )
    rkey = published.uri.rsplit("/", 1)[-1]
    record = owner.com.atproto.repo.get_record(
        models.ComAtprotoRepoGetRecord.Params(
            repo=account.did, collection="app.bsky.feed.post", rkey=rkey
        )
    ).value
    embed = record.embed
    assert embed.py_type == "app.bsky.embed.video"
    assert embed.alt == "Un artisan au travail"
    assert (embed.aspect_ratio.width, embed.aspect_ratio.height) == (1080, 1920)
    assert embed.video.mime_type == "video/mp4" and embed.video.size == len(clip)
    ref = embed.video.ref
    cid = ref.link if hasattr(ref, "link") else str(ref)
    blob = owner.com.atproto.sync.get_blob(
        models.ComAtprotoSyncGetBlob.Params(did=account.did, cid=cid)
    )
    assert blob == clip
