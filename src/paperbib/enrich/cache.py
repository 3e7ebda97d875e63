"""The on-disk cache of lookup results, one JSON file per source and lookup key.

Resolved, ambiguous and not-found results are kept, because a new request would return the same.
Failed lookups are not kept, so that the next run sends the request again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os

from paperbib.atomic import write_atomic
from paperbib.enrich.result import LookupResult, Status
from paperbib.errors import PaperbibError

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1


def default_cache_folder() -> str:
    """Return the user cache folder of the platform (e.g. ``~/.cache/paperbib/enrich`` on Linux)."""
    import platformdirs

    return os.path.join(platformdirs.user_cache_dir("paperbib", appauthor=False), "enrich")


class LookupCache:
    def __init__(self, folder: str | None = None) -> None:
        self.folder = folder or default_cache_folder()

    def get(self, source: str, key: str) -> LookupResult | None:
        """Return the cached result, or None when there is none or the file cannot be read (logged)."""
        path = self._path(source, key)
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            logger.warning("ignoring unreadable cache file %s: %s", path, error)
            return None
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or data.get("key") != key:
            return None
        try:
            return LookupResult.from_json(data.get("result"))
        except ValueError as error:
            logger.warning("ignoring invalid cache file %s: %s", path, error)
            return None

    def put(self, source: str, key: str, result: LookupResult) -> None:
        """Store ``result`` unless it failed; a cache that cannot be written is logged, not raised."""
        if result.status is Status.FAILED:
            return
        path = self._path(source, key)
        data = {"version": FORMAT_VERSION, "source": source, "key": key, "result": result.to_json()}
        text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
        except (OSError, PaperbibError) as error:
            logger.warning("cannot write the cache file %s: %s", path, error)

    def _path(self, source: str, key: str) -> str:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return os.path.join(self.folder, source, f"{digest}.json")
