"""Events as stored bytes: msgspec JSON under stable topics, older versions upcast.

The stored format of the log: each payload is the msgspec JSON of an event struct in
`domain.events`, stored under the topic that struct declares (`jixiao:<Name>@<version>`).
Decoding an older version runs its upcasters, one version at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from domain.errors import fail
from domain.events import EVENT_TYPES, Event

# topic -> (struct, stored version)
TOPICS: dict[str, tuple[type[Event], int]] = {t.topic(): (t, t.VERSION) for t in EVENT_TYPES}

# (event name, from version) -> function upgrading a decoded dict to the next version
UPCASTERS: dict[tuple[str, int], Callable[[dict[str, Any]], None]] = {}


def upcaster(name: str, from_version: int) -> Callable[[Callable[[dict[str, Any]], None]], Any]:
    def register(func: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
        UPCASTERS[(name, from_version)] = func
        return func

    return register


@upcaster("ProgressReported", 1)
def _progress_v1_v2(state: dict[str, Any]) -> None:
    """v1 kept what was done, problems and next steps in one `note`."""
    state["done"] = state.pop("note", "")
    state.setdefault("problems", "")
    state.setdefault("next_steps", "")


def _register_old_topics() -> None:
    for event_type in EVENT_TYPES:
        for version in range(1, event_type.VERSION):
            TOPICS[f"jixiao:{event_type.__name__}@{version}"] = (event_type, version)


_register_old_topics()

encoder = msgspec.json.Encoder(decimal_format="string")
decoders = {t: msgspec.json.Decoder(t) for t in EVENT_TYPES}


def encode_event(event: Event) -> bytes:
    return encoder.encode(event)


def decode_event(topic: str, state: bytes) -> Event:
    """Decode a stored payload into its typed event, upcasting older versions."""
    try:
        event_type, version = TOPICS[topic]
    except KeyError:
        raise fail("store.unknown_topic", topic=topic) from None
    if version == event_type.VERSION:
        return decoders[event_type].decode(state)
    data = msgspec.json.decode(state)
    while version < event_type.VERSION:
        UPCASTERS[(event_type.__name__, version)](data)
        version += 1
    return msgspec.convert(data, event_type)


