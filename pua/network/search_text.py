"""Free-text search of the directory ("corso di italiano", "alloggio"), the
same on PostgreSQL and SQLite.

Text becomes *tokens* through one function, ``stems``: lower case, accents
folded (``città`` = ``citta``), Italian and English stopwords dropped, every
word reduced to its Snowball Italian stem. Services (both labels),
organisations (name) and offerings (description) keep their tokens in a
``search_text`` column, stored as `` tok tok tok `` — a space on both sides
of every token, so that a ``LIKE`` or a plain regular expression can match a
token or its start.
The column is written by whatever writes the row (the services, the
imports, the demo loader, the reference data), with ``search_text``; never
by signals or ``save()``.

A query is split into terms the same way. A term matches a stored token
that starts with it (``lavor`` finds ``lavorator``) or that it starts with,
down to ``MIN_PREFIX`` letters: Snowball stems ``italiano`` to ``ital`` but
``italiana`` to ``italian``, ``lingua`` to ``lingu`` but ``linguistica``
to ``linguist``. Shorter terms must match a whole token. The words of a
``RELATED`` group stand for each other (``alloggio`` finds "domanda
abitativa" and "housing"). A row matches when it matches at least one
term; it ranks by how many terms it matches (``relevance``), then by how
many of its fields match one (``field_hits``: a job centre's job-search
offering says "lavoro" in its name, service and description).
"""

from __future__ import annotations

import re
import unicodedata
from functools import reduce
from operator import add, or_

import snowballstemmer
from django.db.models import BooleanField, Case, F, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.db.models.lookups import Contains, Regex

# Shorter stems are too common a start of other words to match by prefix.
MIN_PREFIX = 4
# A stored token may be this much shorter than the term it matches (Snowball
# leaves at most a three-letter suffix behind: ``italian``/``ital``).
MAX_SHORTER = 3
# A query of more words than this is cut: relevance stays meaningful and the SQL small.
MAX_TERMS = 8

# Articles, prepositions and conjunctions, accents folded; English ones for the English labels.
STOPWORDS = frozenset({
    "a", "ad", "al", "all", "alla", "alle", "allo", "ai", "agli", "c", "che", "chi", "col", "coi", "con", "d", "da",
    "dal", "dall", "dalla", "dalle", "dallo", "dai", "dagli", "de", "del", "dell", "della", "delle", "dello", "dei",
    "degli", "di", "e", "ed", "fra", "gli", "i", "il", "in", "l", "la", "le", "lo", "ma", "ne", "nel", "nell",
    "nella", "nelle", "nello", "nei", "negli", "non", "o", "od", "per", "piu", "pero", "se", "si", "su", "sul",
    "sull", "sulla", "sulle", "sullo", "sui", "sugli", "tra", "un", "una", "uno",
    "an", "and", "at", "by", "for", "from", "of", "on", "or", "the", "to", "with",
})

# Words social workers use for the same need, as stems (see ``stems``).
HOUSING = frozenset({"allogg", "abit", "housing", "affitt"})  # alloggio, abitazione/abitativo, affitto
RELATED = [
    HOUSING,
    frozenset({"lavor", "impieg", "occupazion", "job", "work"}),  # lavoro, impiego, occupazione
    frozenset({"cors", "scuol", "lezion"}),  # corso, scuola, lezione
    frozenset({"mediazion", "mediator", "mediatric", "interpr", "traduzion", "traduttor", "traduttr"}),
]
# Words that stand for a group when asked for, but are too common in names
# to be found by it: "casa" finds housing; "alloggio" does not find every "Casa ...".
ALSO_MEANS = {"cas": HOUSING}
_RELATED_TO = {stem: group for group in RELATED for stem in group}
_RELATED_TO.update({stem: group | {stem} for stem, group in ALSO_MEANS.items()})

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: ``Città`` → ``citta``."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def stems(text: str) -> list[str]:
    """The stems of the words of ``text`` that carry meaning, each once, in order."""
    stemmer = snowballstemmer.stemmer("italian")  # cheap, and not shared between threads
    words = [word for word in _WORD.findall(fold(text)) if len(word) > 1 and word not in STOPWORDS]
    return list(dict.fromkeys(stemmer.stemWords(words)))


def search_text(*texts: str) -> str:
    """The value of a ``search_text`` column for these texts."""
    found = list(dict.fromkeys(stem for text in texts for stem in stems(text)))
    return f" {' '.join(found)} " if found else ""


def query_terms(q: str) -> list[frozenset[str]]:
    """The terms of a query, each the set of stems that stand for it."""
    terms = []
    for stem in stems(q)[:MAX_TERMS]:
        term = _RELATED_TO.get(stem, frozenset({stem}))
        if term not in terms:
            terms.append(term)
    return terms


def _pattern(term: frozenset[str]) -> str:
    """A regular expression for the tokens matching a term, written in the
    subset that PostgreSQL and Python (SQLite's REGEXP) read alike."""
    longer = sorted(stem for stem in term if len(stem) >= MIN_PREFIX)
    whole = {stem for stem in term if len(stem) < MIN_PREFIX}
    whole |= {stem[:length] for stem in longer for length in range(max(MIN_PREFIX, len(stem) - MAX_SHORTER), len(stem))}
    parts = []
    if longer:
        parts.append(f" (?:{'|'.join(longer)})")
    if whole:
        parts.append(f" (?:{'|'.join(sorted(whole))}) ")
    return "|".join(parts)


def _start(stem: str) -> str:
    """What every token matching ``stem`` contains: a cheap first test."""
    return f" {stem} " if len(stem) < MIN_PREFIX else f" {stem[:MIN_PREFIX]}"


def _all(fields):
    """The fields' tokens as one text (each keeps its spaces around every token)."""
    return Concat(*fields, output_field=TextField()) if len(fields) > 1 else F(fields[0])


def matches_any(terms, fields):
    """Rows matching at least one term. The few-letter starts of the stems are
    tested first with ``LIKE``, so that most rows are turned down cheaply: a
    ``CASE``, as databases are free to reorder the operands of an ``AND``."""
    text = _all(fields)
    starts = sorted({_start(stem) for term in terms for stem in term})
    likely = reduce(or_, (Q(Contains(text, start)) for start in starts))
    return Case(When(likely, then=Regex(text, "|".join(_pattern(term) for term in terms))),
                default=Value(False), output_field=BooleanField())


def _count(conditions):
    return reduce(add, (
        Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
        for condition in conditions
    ))


def relevance(terms, fields):
    """How many of the terms a row matches."""
    text = _all(fields)
    return _count(Regex(text, _pattern(term)) for term in terms)


def field_hits(terms, fields):
    """How many of the fields match a term: among rows matching as many terms,
    those that say it in their name, service and description come first."""
    pattern = "|".join(_pattern(term) for term in terms)
    return _count(Regex(F(field), pattern) for field in fields)
