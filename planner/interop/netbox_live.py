"""Read an inventory from a running NetBox over its REST API, with pynetbox.

The token is read from a file and goes only into the request header: never into a
message, a log or the plan. Errors are :class:`NetboxConnectionError` with one line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from planner.interop.netbox_read import from_rest
from planner.interop.netbox_records import Inventory

# (app, endpoint as pynetbox names it, endpoint as the REST URL names it)
LIVE_ENDPOINTS = (
    ("dcim", "sites", "sites"),
    ("dcim", "locations", "locations"),
    ("dcim", "racks", "racks"),
    ("dcim", "device_types", "device-types"),
    ("dcim", "devices", "devices"),
    ("dcim", "power_panels", "power-panels"),
    ("dcim", "power_feeds", "power-feeds"),
    ("dcim", "power_ports", "power-ports"),
    ("dcim", "power_outlets", "power-outlets"),
    ("dcim", "rack_reservations", "rack-reservations"),
)
VM_ENDPOINTS = (
    ("virtualization", "clusters", "clusters"),
    ("virtualization", "virtual_machines", "virtual-machines"),
)

# (endpoints done, endpoints in all) -> False to stop.
Progress = Callable[[int, int], bool]


class NetboxConnectionError(RuntimeError):
    """NetBox could not be read; the message says why in one line, without the token."""


class NetboxCancelled(RuntimeError):
    """The user stopped the import."""


def read_token(path: str | Path) -> str:
    """The API token in ``path`` (its first line, stripped)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise NetboxConnectionError(
            f"cannot read the token file {path}: {error.strerror or error}"
        ) from None
    except UnicodeDecodeError:
        raise NetboxConnectionError(f"the token file {path} is not text") from None
    token = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not token:
        raise NetboxConnectionError(f"the token file {path} is empty")
    return token


def fetch(
    url: str, token: str, with_vms: bool = False, progress: Progress | None = None
) -> Inventory:
    """Every object the import reads, from the NetBox at ``url``."""
    import pynetbox
    import requests

    if not url.startswith(("http://", "https://")):
        raise NetboxConnectionError(f"not an http:// or https:// address: {url}")
    api = pynetbox.api(url.rstrip("/"), token=token)
    endpoints = LIVE_ENDPOINTS + (VM_ENDPOINTS if with_vms else ())
    answers: dict[str, list[dict[str, Any]]] = {}
    for done, (app, name, rest_name) in enumerate(endpoints):
        if progress is not None and not progress(done, len(endpoints)):
            raise NetboxCancelled("stopped")
        try:
            records = getattr(getattr(api, app), name).all()
            answers[rest_name] = [dict(record) for record in records]
        except pynetbox.RequestError as error:
            status = getattr(error.req, "status_code", None)
            if status in (401, 403):
                raise NetboxConnectionError(
                    f"NetBox at {url} refused the token (HTTP {status})"
                ) from None
            raise NetboxConnectionError(
                f"NetBox at {url} answered HTTP {status} for {app}/{rest_name}"
            ) from None
        except requests.exceptions.RequestException as error:
            reason = type(error).__name__
            raise NetboxConnectionError(f"cannot reach NetBox at {url} ({reason})") from None
        except ValueError:  # a body that is not JSON: not a NetBox API
            raise NetboxConnectionError(f"{url} does not answer as a NetBox API") from None
    if progress is not None:
        progress(len(endpoints), len(endpoints))
    return from_rest(answers)
