"""The venue catalogue kept as data in ``venues.toml``."""

from paperbib.venues.catalogue import Catalogue, Venue, default_catalogue, lookup_form

__all__ = ["Catalogue", "Venue", "default_catalogue", "lookup_form"]
