"""Straightforward versions of the functions that paperbib speeds up with caches and fast paths.

Each function here computes its result the plain way, character by character or through the
standard library, as paperbib did before the fast paths were added. test_fast_paths.py checks
that paperbib's functions return exactly the same results. The per-character LaTeX forms
(``paperbib.latex._piece`` and ``_convert_word``) have no fast path, so they are reused here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

import yaml

from paperbib import identifiers
from paperbib.diagnostics import Diagnostic
from paperbib.exporters.base import ExportOptions
from paperbib.exporters.kept_fields import merge_kept_fields
from paperbib.latex import LATEX, Conversion, ConvertedValue, _convert_word, _piece, escape_math
from paperbib.model import Author, Identifiers, Link, Record
from paperbib.reader import authors

_SCHEMELESS_HOST = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/|$)", re.IGNORECASE)
_MARKDOWN_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def split_math(text: str) -> list[tuple[bool, str]]:
    chunks: list[tuple[bool, str]] = []
    plain_start = 0
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "$" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "$":
            close = _find_closing_dollar(text, i + 1)
            if close is not None and _braces_balanced(text[i + 1 : close]):
                if plain_start < i:
                    chunks.append((False, text[plain_start:i]))
                chunks.append((True, text[i : close + 1]))
                i = close + 1
                plain_start = i
                continue
        i += 1
    if plain_start < n:
        chunks.append((False, text[plain_start:]))
    return chunks


def _find_closing_dollar(text: str, start: int) -> int | None:
    j = start
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == "$":
            followed_by_digit = j + 1 < len(text) and text[j + 1].isdigit()
            if not text[j - 1].isspace() and not followed_by_digit:
                return j
        j += 1
    return None


def _braces_balanced(text: str) -> bool:
    depth = 0
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0


def unescape_markdown(text: str) -> str:
    out: list[str] = []
    for is_math, chunk in split_math(text):
        if is_math:
            out.append(chunk)
            continue
        i = 0
        while i < len(chunk):
            if chunk[i] == "\\" and i + 1 < len(chunk) and chunk[i + 1] in _MARKDOWN_ESCAPABLE:
                out.append(chunk[i + 1])
                i += 2
            else:
                out.append(chunk[i])
                i += 1
    return "".join(out)


def normalise_title(title: str) -> str:
    folded = unicodedata.normalize("NFKC", title).casefold()
    kept = []
    for char in folded:
        if char.isalnum():
            kept.append(char)
        elif char in "#+" or unicodedata.category(char).startswith("S"):
            kept.append(f" {char} ")
        else:
            kept.append(" ")
    return " ".join("".join(kept).split())


def title_to_latex(text: str, mode: str = LATEX, protect_words: bool = True) -> Conversion:
    result = Conversion("")
    out: list[str] = []
    for is_math, chunk in split_math(unicodedata.normalize("NFC", text)):
        if is_math:
            out.append("{" + escape_math(chunk) + "}")
            continue
        for token in re.split(r"(\s+)", chunk):
            if not token:
                continue
            if token.isspace():
                out.append("~" if "\u00a0" in token else " ")
            else:
                out.append(_convert_word(token, mode, result, protect_words))
    result.value = re.sub(r" {2,}", " ", "".join(out)).strip()
    return result


def convert_value(text: str, mode: str = LATEX, protect_words: bool = True) -> ConvertedValue:
    conversion = title_to_latex(text, mode, protect_words)
    return ConvertedValue(conversion.value, tuple(conversion.dropped), tuple(conversion.needs_unicode_engine))


def braced_name(value: str, encoding: str) -> ConvertedValue:
    conversion = convert_value(value, encoding, protect_words=False)
    return conversion._replace(value="{" + conversion.value + "}")


def csl_issued(year: int) -> dict[str, list[list[int]]]:
    return {"date-parts": [[year]]}


def escape_text(text: str) -> str:
    conversion = Conversion("")
    return "".join(_piece(char, LATEX, conversion).latex for char in unicodedata.normalize("NFC", text))


def brace_depth_ok(value: str) -> bool:
    depth = 0
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def normalise_url(url: str) -> str | None:
    candidate = url.strip()
    if _SCHEMELESS_HOST.match(candidate):
        candidate = "https://" + candidate
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in candidate:
        return None
    return candidate


def openreview_id_from_url(url: str) -> str | None:
    parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
    if not parts.netloc.lower().endswith("openreview.net"):
        return None
    ids = parse_qs(parts.query).get("id")
    return ids[0] if ids else None


def arxiv_id_in_url(url: str) -> str | None:
    match = identifiers._ARXIV_URL.match(url.strip())
    if match:
        return match.group("id")
    doi = identifiers.doi_from_url(url)
    return identifiers.arxiv_id_in_doi(doi) if doi else None


def arxiv_id_from_url(url: str) -> str | None:
    found = arxiv_id_in_url(url)
    return found if found is not None and identifiers.is_valid_arxiv_id(found) else None


def derive_identifiers(links: Iterable[Link]) -> Identifiers:
    found: dict[str, str] = {}
    for link in links:
        url = link.url.strip()
        candidates = {
            "arxiv": arxiv_id_from_url(url),
            "doi": identifiers.doi_from_url(url),
            "openreview": openreview_id_from_url(url),
        }
        for name, pattern, group in (
            ("acl_anthology", identifiers._ACL, "id"),
            ("pmlr_volume", identifiers._PMLR, "volume"),
            ("cvf", identifiers._CVF, "id"),
            ("neurips_hash", identifiers._NEURIPS, "hash"),
            ("aaai_article", identifiers._AAAI, "id"),
        ):
            match = pattern.match(url)
            if match:
                candidates[name] = match.group(group)
        for name, value in candidates.items():
            if value and name not in found:
                found[name] = value
    if "doi" not in found and "acl_anthology" in found:
        found["doi"] = identifiers.acl_doi(found["acl_anthology"])
    if "doi" in found and identifiers._ARXIV_DOI.match(found["doi"]):
        arxiv = identifiers._ARXIV_DOI.match(found["doi"]).group("id")  # type: ignore[union-attr]
        if identifiers.is_valid_arxiv_id(arxiv):
            found.setdefault("arxiv", arxiv)
        del found["doi"]
    return Identifiers(**found)


def title_words(title: str) -> list[str]:
    from anyascii import anyascii

    text = "".join(chunk for is_math, chunk in split_math(title) if not is_math)
    pieces: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char in "'’‘&-\u2010\u2011":
            continue
        category = unicodedata.category(char)
        if category[0] not in "LN":
            pieces.append(" ")
        elif char.isascii():
            pieces.append(char)
        elif category == "Lo":
            pieces.append(" " + anyascii(char) + " ")
        else:
            pieces.append(anyascii(char))
    return re.findall(r"[a-z0-9]+", "".join(pieces).lower())


def ris_one_line(value: str) -> str:
    return re.sub(r"\s*[\r\n\u2028\u2029]+\s*", " ", value).strip()


def link_kind(label: str) -> str:
    return " ".join(label.lower().split())


def evolve(record: Record, **changes: object) -> Record:
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def match_bracket(text: str, open_index: int, opening: str, closing: str) -> int | None:
    depth = 0
    i = open_index
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def export_text(name: str, records: list[Record], options: ExportOptions) -> tuple[str, list[Diagnostic]]:
    """Return the text and findings of exporter ``name`` built whole, as before the exporters wrote to a stream."""
    from paperbib import __version__
    from paperbib.exporters import biblatex, bibtex, csl_json, csl_yaml, ris

    if name == "csl-json":
        items = [csl_json.csl_item(record, options) for record in records]
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n", []
    if name == "csl-yaml":
        document = {"references": [csl_yaml._literal(csl_json.csl_item(record, options)) for record in records]}
        body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
        return f"---\n{body}...\n", []
    if name == "ris":
        return "\n".join(_ris_record(ris.ris_type(record), ris.ris_fields(record, options)) for record in records), []
    if name == "bibtex":
        header = f"% Written by paperbib {__version__}"
        if options.source_name:
            header += f" from {os.path.basename(options.source_name)}"
        chunks = [header.replace("@", "(at)") + "\n"]
        diagnostics: list[Diagnostic] = []
        for record in records:
            fields = bibtex.bibtex_fields(record, options, diagnostics)
            fields = merge_kept_fields(
                fields, options.kept_fields.get(record.key, ()), bibtex.BibtexExporter.generated_fields
            )
            chunks.append(_bib_entry(bibtex.entry_type(record), record.key, fields))
        return "\n".join(chunks), diagnostics
    if name == "biblatex":
        header = f"% Written by paperbib {__version__} for biblatex and biber (UTF-8)"
        if options.source_name:
            header += f" from {options.source_name}"
        chunks = [header.replace("@", "(at)") + "\n"]
        for record in records:
            fields = biblatex.biblatex_fields(record, options)
            fields = merge_kept_fields(
                fields, options.kept_fields.get(record.key, ()), biblatex.BiblatexExporter.generated_fields
            )
            chunks.append(_bib_entry(biblatex.entry_type(record), record.key, fields))
        return "\n".join(chunks), []
    raise ValueError(f"no reference for exporter {name!r}")


def _bib_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    lines = [f"@{kind}{{{key},"]
    lines.extend(f"  {name} = {{{value}}}," for name, value in fields)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _ris_record(kind: str, fields: list[tuple[str, str]]) -> str:
    lines = [f"TY  - {kind}"]
    lines.extend(f"{tag}  - {value}" for tag, value in fields)
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def split_affiliation(text: str) -> tuple[str, str]:
    match = authors._AFFILIATION.search(text)
    if not match:
        return text, ""
    return text[: match.start()], match.group().strip().strip("()（）")


def looks_like_authors(text: str) -> bool:
    text = split_affiliation(text.strip().strip("*_ ."))[0]
    if not text:
        return False
    if authors._ET_AL.search(text):
        return True
    people = [part for part in re.split(r"\s*(?:,|;|&|\band\b)\s*", text) if part]
    if not people or not all(authors._NAME.match(person) and authors._capitalised(person) for person in people):
        return False
    return len(people) > 1 or " " in text


def parse_authors(text: str) -> list[Author]:
    text = authors._trim(split_affiliation(text.strip().strip("*_ "))[0])
    et_al = bool(authors._ET_AL.search(text))
    text = authors._trim(authors._ET_AL.sub("", text))
    found: list[Author] = []
    for person in (authors._trim(part) for part in re.split(r"\s*(?:;|&|\band\b|\bAnd\b)\s*", text)):
        if not person:
            continue
        pieces = [piece.strip() for piece in person.split(",") if piece.strip()]
        if len(pieces) == 2 and " " not in pieces[0]:
            found.append(Author(family=pieces[0], given=pieces[1]))
            continue
        for piece in pieces:
            words = piece.split()
            found.append(Author(family=words[-1], given=" ".join(words[:-1])))
    if et_al and found:
        found.append(authors.ET_AL)
    return found


def clean_title(text: str) -> str:
    title = re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()
    if title.endswith(".") and not title.endswith("..") and len(title) > 1:
        title = title[:-1].rstrip()
    return title


def preclean(text: str) -> str:
    from paperbib.reader import entries

    text = entries._HTML_COMMENT.sub("", text)
    text = entries._COMMENT_LINK.sub("", text)
    text = entries._SUPERSCRIPT.sub(lambda match: entries._superscript(match.group(1)), text)
    text = entries._SUBSCRIPT.sub(r"\1", text)
    text = entries._TAGS.sub("", text)
    return text.replace("&nbsp;", " ").strip()


def default_keys(records: list[Record]) -> list[str]:
    """The keys that ``assign_keys`` gives without a key format, as it computed them before its fast paths."""
    from paperbib.steps.keys import STOPWORDS, identity_hash

    def key(record: Record, word_count: int) -> str:
        words = title_words(record.title)
        significant = [word for word in words if word not in STOPWORDS] or words
        if record.venue_info is not None:
            venue = record.venue_info.id
        elif record.ids.arxiv:
            venue = "arxiv"
        else:
            venue = ""
        year = str(record.year) if record.year is not None else ""
        prefix = re.sub(r"[^a-z0-9]", "", venue.lower()) + year
        parts = [part for part in (prefix, *significant[:word_count]) if part]
        if len(parts) <= 1:
            parts.append(identity_hash(record))
        return "-".join(parts)

    base = [key(record, 3) for record in records]
    groups: dict[str, list[int]] = {}
    for index, value in enumerate(base):
        groups.setdefault(value, []).append(index)
    keys = list(base)
    for members in groups.values():
        if len(members) > 1:
            extended = {index: key(records[index], 8) for index in members}
            for index, value in extended.items():
                shared = list(extended.values()).count(value) > 1
                keys[index] = f"{value}-{identity_hash(records[index])}" if shared else value
    groups = {}
    for index, value in enumerate(keys):
        groups.setdefault(value, []).append(index)
    numbered = list(keys)
    for value, members in groups.items():
        members.sort(key=lambda index: (records[index].title, records[index].paper_url or "", records[index].location))
        for position, index in enumerate(members[1:], start=2):
            numbered[index] = f"{value}-{position}"
    return numbered


def dedupe(records: list[Record]) -> tuple[list[Record], list[Diagnostic]]:
    """``steps.dedupe.dedupe`` as it was before its fast paths, with its merge rules reused."""
    from paperbib.diagnostics import Code, Severity
    from paperbib.messages import quote
    from paperbib.steps import dedupe as step

    def title_key(record: Record) -> tuple[str, str, int | None] | None:
        title = normalise_title(record.title)
        if not title:
            return None
        venue = record.venue_info.id if record.venue_info else (record.venue or "")
        return title, venue, record.year

    def register(record: Record, index: int) -> None:
        if record.ids.arxiv_base:
            by_arxiv.setdefault(record.ids.arxiv_base, index)
        key = title_key(record)
        if key is not None and index not in by_title.setdefault(key, []):
            by_title[key].append(index)

    diagnostics: list[Diagnostic] = []
    kept: list[Record] = []
    by_arxiv: dict[str, int] = {}
    by_title: dict[tuple[str, str, int | None], list[int]] = {}
    for record in records:
        target = None
        if record.ids.arxiv_base in by_arxiv:
            target = by_arxiv[record.ids.arxiv_base]
        elif title_key(record) is not None:
            same = [index for index in by_title.get(title_key(record), []) if step._compatible(kept[index], record)]
            target = same[0] if same else None
        if target is None:
            kept.append(record)
            register(record, len(kept) - 1)
            continue
        original = kept[target]
        kept[target] = step._merge(original, record)
        message = f"{quote(record.title)} is the same paper as {original.location}; the two are merged"
        chosen = kept[target].ids.arxiv
        other = next((ids.arxiv for ids in (original.ids, record.ids) if step._is_other_version(ids, chosen)), None)
        if other is not None:
            message += f" as arXiv:{chosen}, the highest version; the link to arXiv:{other} is kept as an extra link"
        diagnostics.append(Diagnostic(record.location, Severity.WARNING, Code.DUPLICATE, message))
        register(kept[target], target)
    for indexes in by_title.values():
        for index in indexes[1:]:
            diagnostics.append(
                Diagnostic(
                    kept[index].location,
                    Severity.WARNING,
                    Code.DUPLICATE_TITLE,
                    f"same title as {kept[indexes[0]].location} but a different paper link; kept as two papers",
                )
            )
    return kept, diagnostics


def clean_title_markup(text: str) -> str:
    from paperbib.text import remove_emphasis

    text = text.strip()
    for marker in ("**", "__"):
        if text.startswith(marker) and text.endswith(marker) and len(text) > 2 * len(marker):
            text = text[len(marker) : -len(marker)]
    text = remove_emphasis(text).strip().strip("*").strip()
    if text.endswith((" -", " –", " —")):
        text = text[:-2].rstrip()
    if text.startswith('"') and text.endswith('"') and text.count('"') == 2:
        text = text[1:-1]
    return clean_title(text)
