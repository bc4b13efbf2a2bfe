"""Exceptions raised by spamdetect, rooted in :class:`DetectorError`.

::

    DetectorError
    ├── ConfigError      invalid or unreadable configuration (names the key)
    ├── RuleError        a rule file failed validation (names file and rule)
    ├── InputError       input that cannot be read at all (missing file …)
    ├── PluginError      a plugin failed to load or register
    └── IndexError_      the near-duplicate index cannot be opened or used
        └── IndexParameterMismatch  an index built with other parameters

Checking a document never raises for bad *content*: damaged, empty, huge or
hostile input becomes a verdict with hits that say what was wrong.
"""

from __future__ import annotations


class DetectorError(Exception):
    """Base class of every spamdetect error."""


class ConfigError(DetectorError):
    """The configuration is missing, unreadable or invalid."""


class RuleError(DetectorError):
    """A rule file or rule failed validation."""


class InputError(DetectorError):
    """An input cannot be read (missing file, directory without documents)."""


class PluginError(DetectorError):
    """A plugin failed to load."""


class IndexError_(DetectorError):  # noqa: N801 - avoid shadowing builtin IndexError
    """The near-duplicate index cannot be opened or used."""


class IndexParameterMismatch(IndexError_):
    """The index on disk was built with different parameters."""
