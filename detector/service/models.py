"""Request and response shapes of the HTTP API (pydantic models).

The models serve two purposes: validating JSON bodies (every error names
the field, e.g. ``documents[2].text``) and describing the API in the
OpenAPI document. Responses are not re-validated at run time: ``POST
/v1/check`` returns :meth:`detector.verdict.Verdict.to_dict` as it is, and
:class:`VerdictOut` only documents that shape (a test checks real responses
against the OpenAPI document).

Unknown fields are rejected (``extra="forbid"``): a typo such as ``"txt"``
would otherwise check an empty document and allow it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


def _exactly_one_of_text_html(schema: dict[str, Any]) -> None:
    """Publish the "exactly one of text / html" rule in the JSON schema too."""
    schema["oneOf"] = [{"required": ["text"]}, {"required": ["html"]}]


_FORBID = ConfigDict(extra="forbid")
_ONE_INPUT = ConfigDict(extra="forbid", json_schema_extra=_exactly_one_of_text_html)

# ``text`` and ``html`` may be left out but not sent as null: the default is
# not validated, an explicit null is (and fails as "not a string").
_TEXT = dict(default=None, validate_default=False)


class DocumentIn(BaseModel):
    """One document to check: exactly one of ``text`` or ``html``."""

    model_config = _ONE_INPUT

    text: str = Field(**_TEXT, description="Plain text of the document.")
    html: str = Field(**_TEXT, description="HTML markup; only visible text is checked.")
    title: str | None = Field(None, description="Title (HTML input defaults to <title>).")
    url: str | None = Field(None, max_length=8192, description="Where the document came from.")
    site: str | None = Field(None, max_length=256,
                             description="Site profile selecting thresholds and weights.")
    id: str | None = Field(None, max_length=1024, description="Caller's id, echoed in the verdict.")
    meta: dict[str, Any] | None = Field(None, description="Free-form metadata for plugins.")

    @model_validator(mode="after")
    def _one_input(self) -> DocumentIn:
        if self.text is not None and self.html is not None:
            raise ValueError("give exactly one of 'text' or 'html', not both")
        if self.text is None and self.html is None:
            raise ValueError("one of 'text' or 'html' is required")
        return self


class BatchIn(BaseModel):
    """Several documents checked in one request; verdicts come back in order."""

    model_config = _FORBID

    documents: list[DocumentIn] = Field(..., min_length=1)


class IndexIn(BaseModel):
    """A document to add to the near-duplicate index (or to replace there)."""

    model_config = _ONE_INPUT

    id: str = Field(..., min_length=1, max_length=1024, description="Document id in the index.")
    text: str = Field(**_TEXT, description="Plain text of the document.")
    html: str = Field(**_TEXT, description="HTML markup; only visible text is indexed.")
    label: Literal["spam", "ham", "unknown"] = "unknown"
    source: str | None = Field(None, max_length=8192, description="Where it came from (URL).")

    @model_validator(mode="after")
    def _one_input(self) -> IndexIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self


# -- responses (documentation only) ---------------------------------------

class EvidenceOut(BaseModel):
    """A span of the checked text; offsets index the document's visible text."""

    start: int
    end: int
    text: str
    line: int | None = Field(None, description="1-based line of start (when the engine sets it).")
    column: int | None = Field(None, description="1-based column of start, in characters.")


class HitOut(BaseModel):
    """One rule that fired."""

    rule: str
    group: str
    weight: float
    description_zh: str
    description_en: str
    evidence: list[EvidenceOut]
    details: dict[str, Any]


class NearDuplicateOut(BaseModel):
    """An indexed document that the checked one nearly duplicates."""

    id: str
    similarity: float
    label: str


class VerdictOut(BaseModel):
    """The verdict JSON, identical to ``spamdetect check --format json`` records."""

    id: str | None
    site: str | None
    score: float
    action: Literal["allow", "review", "reject"]
    truncated: bool
    hits: list[HitOut]
    near_duplicates: list[NearDuplicateOut]
    timings_ms: dict[str, float]
    rules_version: str
    errors: list[str]
    schema_: int = Field(..., alias="schema")


class BatchOut(BaseModel):
    """Verdicts of a batch, in input order (the shape of ``spamdetect check --format json``)."""

    version: str
    results: list[VerdictOut]
    errors: list[str]


class IndexOut(BaseModel):
    """Result of an index update."""

    id: str
    added: bool | None = None
    removed: bool | None = None
    size: int


class RuleOut(BaseModel):
    """A rule the loaded checks can report."""

    id: str
    group: str
    weight: float
    description_zh: str
    description_en: str
    source: str
    target: str
    scoring: bool


class RulesOut(BaseModel):
    """Every rule of a profile, sorted by id."""

    profile: str
    rules_version: str
    rules: list[RuleOut]


class StatusOut(BaseModel):
    """Liveness / readiness."""

    status: str
    checks: dict[str, str] = {}


class FieldError(BaseModel):
    """One invalid field."""

    field: str
    message: str


class ErrorOut(BaseModel):
    """Every error response has this shape."""

    error: str = Field(..., description="Stable machine-readable code, e.g. 'invalid_request'.")
    message: str = Field(..., description="Human-readable; names the offending field.")
    fields: list[FieldError] = []
