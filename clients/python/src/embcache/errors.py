"""The errors embcache raises."""

from __future__ import annotations


class EmbcacheError(Exception):
    """Base class of every error embcache raises."""


class StoreNotFoundError(EmbcacheError, FileNotFoundError):
    """No store exists at the path given (or the default path)."""


class StoreIncompatibleError(EmbcacheError):
    """The file is not an embcache store, or a newer embcache wrote it."""


class UnknownNamespaceError(EmbcacheError, KeyError):
    """The store holds no record of the namespace asked for."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ReadOnlyError(EmbcacheError):
    """A write was asked of a cache opened read-only."""


class InvalidArgumentError(EmbcacheError, ValueError):
    """An argument cannot be stored or looked up (a bad digest, dtype, name or shape)."""


class StoreFailedError(EmbcacheError):
    """The store could not be read or written."""


class UnauthorizedError(EmbcacheError, PermissionError):
    """An embcache server asks for a bearer token and got none, or one it does not know."""
