"""Static files storage for production: compressed, with hashed names.

Vendor JavaScript from packages may name source maps it does not ship
(e.g. ``leaflet.markercluster.js``); rewriting those references would make
``collectstatic`` fail, so JavaScript files are hashed but not rewritten.
"""

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(pattern for pattern in HashedFilesMixin.patterns if pattern[0] != "*.js")
