"""The library's exceptions; only the CLI and UI turn them into messages for people."""


class CouncilQAError(Exception):
    """Base class for every error councilqa raises on purpose."""


class ParseError(CouncilQAError):
    """A paper could not be read (corrupt, encrypted, scanned without text, empty, wrong encoding)."""


class UnsupportedFile(ParseError):
    """A file whose type councilqa does not read."""


class TooLarge(ParseError):
    """A paper over a per-paper limit (size, chunks, or time spent embedding it); the batch goes on without it."""


class IndexMissing(CouncilQAError):
    """There is no index (or it is empty) where the settings point."""


class BadFilter(CouncilQAError):
    """A filter that can match nothing as given (a date range that ends before it starts)."""


class StoreError(CouncilQAError):
    """The vector store could not be opened or written."""


class IndexBusy(CouncilQAError):
    """Another process is writing the index and this one was asked not to wait."""


class DamagedIndex(StoreError):
    """The embedded Chroma files are damaged (opening them would crash the process); `qa doctor --repair` rebuilds."""
