"""Pure algorithms behind the damage checks (mojibake, pinyin ruby, deletions…).

The check plugins in :mod:`detector.checks` are thin: they read a document's
views, call the functions here and turn what they find into hits. Keeping
the algorithms free of the engine makes them easy to test, to benchmark and
to reuse (the benchmark script generates damage and calls them directly).

Modules:

``charsets``
    Character classes and commonness tables computed from the GB2312 and
    Big5 codecs on first use.
``mojibake``
    Candidate spans by commonness, confirmed by a repair round trip.
``ruby``
    Flattened pinyin ruby (``協(xié)``) validated against readings.
``deletion``
    Traces of words cut by a keyword filter (gaps, dangling 问/或, empty brackets).
``script_mix``
    Simplified and Traditional characters interleaved within sentences.
``synth``
    Reproducible damage injection, for measuring recall on real clean text.
"""
