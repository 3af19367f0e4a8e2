"""Static files storage with DEBUG off: WhiteNoise's compressed manifest storage (hashed names,
far-future caching) where ``collectstatic`` has run, and the plain names where it has not (a
checkout that never collected: no "missing manifest entry" error, WhiteNoise serves the files
through its finders, settings.WHITENOISE_USE_FINDERS)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no staticfiles.json: collectstatic has not run here
            return name
        return super().stored_name(name)
