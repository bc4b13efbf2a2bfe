"""spamdetect: explainable spam / content-farm detection for Chinese-first web content.

The public API::

    from detector import Detector
    det = Detector()                       # config from spamdetect.toml if present
    verdict = det.check(text="小编导语:…", title="…", url="…")
    verdict.action, verdict.score          # "reject", 12.5
    for hit in verdict.hits:               # rule, group, weight, descriptions, evidence
        print(hit.rule, [e.text for e in hit.evidence])

Sites extend it with pluggy plugins (``hookimpl``); see :mod:`detector.hookspecs`.
"""

from ._version import __version__
from .check import Check, RuleInfo
from .config import Config, ConfigSpec, Profile
from .document import Document, Link, StashKey
from .engine import Detector
from .errors import (
    ConfigError,
    DetectorError,
    IndexError_,
    IndexParameterMismatch,
    InputError,
    PluginError,
    RuleError,
)
from .hookspecs import hookimpl
from .verdict import GROUPS, Evidence, Hit, NearDuplicate, Verdict
from .views import View

__all__ = [
    "Check",
    "Config",
    "ConfigError",
    "ConfigSpec",
    "Detector",
    "DetectorError",
    "Document",
    "Evidence",
    "GROUPS",
    "Hit",
    "IndexError_",
    "IndexParameterMismatch",
    "InputError",
    "Link",
    "NearDuplicate",
    "PluginError",
    "Profile",
    "RuleError",
    "RuleInfo",
    "StashKey",
    "Verdict",
    "View",
    "hookimpl",
    "__version__",
]
