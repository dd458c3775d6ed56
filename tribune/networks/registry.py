"""Lazy registry of connectors: importing a connector's client library only when used."""

from __future__ import annotations

from importlib import import_module

from tribune.networks.base import Connector, Credentials

CONNECTORS: dict[str, tuple[str, str]] = {
    # name: (dotted path to the Connector class, human label)
    "sandbox": ("tribune.networks.sandbox.connector.SandboxConnector", "Sandbox"),
    "bluesky": ("tribune.networks.bluesky.connector.BlueskyConnector", "Bluesky"),
    "mastodon": ("tribune.networks.mastodon.connector.MastodonConnector", "Mastodon"),
    "x": ("tribune.networks.x.connector.XConnector", "X"),
    "facebook": ("tribune.networks.meta.facebook.FacebookPageConnector", "Facebook Page"),
    "instagram": ("tribune.networks.meta.instagram.InstagramConnector", "Instagram"),
    "linkedin": ("tribune.networks.linkedin.connector.LinkedInConnector", "LinkedIn Page"),
    "youtube": ("tribune.networks.youtube.connector.YouTubeConnector", "YouTube"),
}


class UnknownNetwork(LookupError):
    pass


def connector_class(name: str) -> type[Connector]:
    try:
        dotted, _label = CONNECTORS[name]
    except KeyError:
        raise UnknownNetwork(f"No connector is installed for the network {name!r}.") from None
    module_name, _, class_name = dotted.rpartition(".")
    cls: type[Connector] = getattr(import_module(module_name), class_name)
    return cls


def get_connector(name: str, credentials: Credentials) -> Connector:
    return connector_class(name)(credentials)


def network_choices() -> list[tuple[str, str]]:
    return [(name, label) for name, (_path, label) in CONNECTORS.items()]
