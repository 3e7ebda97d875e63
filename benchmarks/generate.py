"""Generate synthetic paper lists in the layout of ``papers.md`` for benchmarks and tests.

The layout is the one paperbib's line reader reads: a table of contents of anchor bullets,
``# YEAR`` headings, ``## VENUE-YEAR`` headings and one bullet per paper of the form
``- Title [[paper](url)] [[arxiv](url)] [[code](url)] [[openreview](url)]``, with blank lines
between bullets. Venues and years come from the venue catalogue shipped with paperbib (editions
2018-2025 for the main conferences, venue defaults for the others), with a few arXiv-only and
unknown-venue sections as in merged real lists.

Titles mix acronyms (``LLMs``, ``ViT``, ``T5``), LaTeX specials (``& % _ { }``), Greek letters,
en and em dashes, quotes and ``$...$`` math spans. Some bullets end with author names as plain
text. The line reader keeps such text as the record's note, not as authors.

The output depends only on ``--papers`` and ``--seed``: the same arguments give the same bytes.

Usage::

    python benchmarks/generate.py --papers 10000 --seed 1 -o /tmp/papers-10k.md
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from paperbib.model import Record
from paperbib.venues import default_catalogue

# Relative sizes of the main venues, roughly their accepted-paper counts around 2023.
MAIN_VENUE_WEIGHTS = {
    "neurips": 30,
    "cvpr": 25,
    "iclr": 18,
    "icml": 18,
    "iccv": 10,
    "eccv": 10,
    "aaai": 16,
    "ijcai": 6,
    "acl": 8,
}
# Catalogue venues without editions, listed now and then, as merged lists do.
OTHER_VENUE_WEIGHT = 0.6
ARXIV_WEIGHT = 12
# A venue that is not in the catalogue, so that the warning path runs too.
UNKNOWN_VENUES = ("EfficientML Workshop", "SysML-Edge")
UNKNOWN_VENUE_WEIGHT = 1
YEARS = range(2018, 2026)
# Later years have more papers: the growth of the field.
YEAR_WEIGHTS = {year: 1.0 + 0.35 * (year - YEARS.start) for year in YEARS}

ACRONYMS = (
    "LLMs",
    "LLM",
    "KV",
    "ViT",
    "BERT",
    "GPT-4",
    "T5",
    "CNNs",
    "GANs",
    "RL",
    "NAS",
    "MoE",
    "SGD",
    "LoRA",
    "QAT",
    "PTQ",
    "INT8",
    "FP16",
    "3D",
    "NeRF",
    "GNNs",
    "CLIP",
    "ResNet-50",
    "DiT",
    "SSMs",
    "MLP",
    "TPU",
)
ADJECTIVES = (
    "Efficient",
    "Sparse",
    "Adaptive",
    "Robust",
    "Scalable",
    "Lightweight",
    "Structured",
    "Dynamic",
    "Low-Rank",
    "Quantized",
    "Differentiable",
    "Hierarchical",
    "Unified",
    "Provable",
    "Memory-Efficient",
    "Data-Free",
    "Training-Free",
    "Post-Training",
    "Mixed-Precision",
    "Token-Level",
    "Layer-wise",
    "Hardware-Aware",
    "Federated",
    "Continual",
    "Self-Supervised",
    "Multi-Modal",
    "Fast",
    "Lossless",
)
NOUNS = (
    "Pruning",
    "Quantization",
    "Distillation",
    "Compression",
    "Attention",
    "Transformers",
    "Inference",
    "Fine-Tuning",
    "Sparsity",
    "Search",
    "Caching",
    "Decoding",
    "Retrieval",
    "Tokenization",
    "Routing",
    "Embeddings",
    "Representations",
    "Adapters",
    "Kernels",
    "Scheduling",
    "Merging",
    "Calibration",
    "Diffusion Models",
    "Language Models",
    "Vision Transformers",
    "Point Clouds",
    "Video Codecs",
    "Graph Networks",
    "Speech Recognition",
    "Image Super-Resolution",
    "Object Detection",
)
TASKS = (
    "Edge Devices",
    "Long Contexts",
    "Mobile GPUs",
    "Large Language Models",
    "Image Classification",
    "Semantic Segmentation",
    "Recommendation",
    "Machine Translation",
    "Autonomous Driving",
    "Text-to-Image Generation",
    "Federated Learning",
    "On-Device Learning",
    "Streaming ASR",
)
CONNECTORS = ("for", "via", "with", "in", "through", "without", "beyond", "under", "towards")
SPECIALS = (
    " & Beyond",
    " at 50% Sparsity",
    " with top_k Routing",
    " in {0,1} Weights",
    ": Q&A over Tables",
    " at 4-bit & 8-bit",
    " for 99% Fewer FLOPs",
)
GREEK = ("α", "β", "γ", "δ", "λ", "μ", "σ", "Δ", "Ω", "ε")
DASHES = ("\u2013", "\u2014")
MATH_SPANS = (r"$\ell_1$", r"$O(n \log n)$", r"$N$:$M$", r"$\alpha$", r"$k$", r"$\mathcal{O}(1)$", r"$2^n$")
QUOTED = ("\u201cFree Lunch\u201d", "\u2018Lottery Tickets\u2019", "Don\u2019t")
ACCENTED = ("Schrödinger", "Fréchet", "Nyström", "Hölder", "Gödel", "Poincaré")
GIVEN_NAMES = (
    "Ana",
    "Bo",
    "Chen",
    "Dmitri",
    "Elif",
    "Fatima",
    "Giulia",
    "Hiro",
    "Ines",
    "Jakub",
    "Kwame",
    "Léa",
    "Ji-ho",
)
FAMILY_NAMES = (
    "Lima",
    "Zhang",
    "Wang",
    "Müller",
    "Okafor",
    "Nakamura",
    "Kowalski",
    "Silva",
    "Dubois",
    "Kim",
    "van der Berg",
    "O'Neil",
    "García-López",
)

LINK_LABELS_EXTRA = ("paper with code", "code", "openreview")


@dataclass(frozen=True)
class Section:
    """One ``## VENUE-YEAR`` heading; ``venue`` is None for arXiv-only sections."""

    heading: str
    venue_id: str | None
    year: int


def _choose_sections(rng: random.Random, papers: int) -> list[tuple[Section, int]]:
    """Spread ``papers`` over venue-year sections, weighted by venue size and year."""
    catalogue = default_catalogue()
    weighted: list[tuple[Section, float]] = []
    for venue in catalogue.venues:
        if venue.kind == "preprint":
            continue
        if venue.id in MAIN_VENUE_WEIGHTS:
            years = sorted(venue.editions) or list(YEARS)
            weight = MAIN_VENUE_WEIGHTS[venue.id]
        else:
            years = list(YEARS)
            weight = OTHER_VENUE_WEIGHT
        for year in years:
            weighted.append((Section(f"{venue.short}-{year}", venue.id, year), weight * YEAR_WEIGHTS[year]))
    for year in YEARS:
        weighted.append((Section(f"arXiv-{year}", None, year), ARXIV_WEIGHT * YEAR_WEIGHTS[year]))
        for name in UNKNOWN_VENUES:
            weighted.append((Section(f"{name}-{year}", "unknown", year), UNKNOWN_VENUE_WEIGHT * YEAR_WEIGHTS[year]))
    sections = [section for section, _ in weighted]
    weights = [weight for _, weight in weighted]
    counts: dict[Section, int] = dict.fromkeys(sections, 0)
    for section in rng.choices(sections, weights, k=papers):
        counts[section] += 1
    chosen = [(section, count) for section, count in counts.items() if count]
    # Newest year first, then venues in catalogue order, as curated lists are laid out.
    order = {section: index for index, section in enumerate(sections)}
    chosen.sort(key=lambda item: (-item[0].year, order[item[0]]))
    return chosen


def _title(rng: random.Random) -> str:
    head = rng.choice(
        (
            lambda: f"{rng.choice(ACRONYMS)}-{rng.choice(NOUNS).split()[0]}",
            lambda: "".join(rng.choice("ABCDEFGHKLMPQRSTVXZ") for _ in range(rng.randint(3, 6))),
            lambda: f"{rng.choice(ADJECTIVES)}{rng.choice(NOUNS).split()[0]}",
        )
    )()
    body = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(CONNECTORS)} {rng.choice(TASKS)}"
    roll = rng.random()
    if roll < 0.55:
        title = f"{head}: {body}"
    elif roll < 0.75:
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(ACRONYMS)} {rng.choice(NOUNS)} {rng.choice(CONNECTORS)} " + (
            rng.choice(TASKS)
        )
    else:
        title = body
    extras = rng.random()
    if extras < 0.08:
        title += rng.choice(SPECIALS)
    elif extras < 0.13:
        title = f"{rng.choice(GREEK)}-{title}"
    elif extras < 0.18:
        title = title.replace(": ", f" {rng.choice(DASHES)} ", 1) if ": " in title else title + " \u2014 Revisited"
    elif extras < 0.24:
        title = f"{title} in {rng.choice(MATH_SPANS)} Time"
    elif extras < 0.27:
        title = f"{rng.choice(QUOTED)}: {title}"
    elif extras < 0.30:
        title = f"{title} with {rng.choice(ACCENTED)} Kernels"
    if rng.random() < 0.01:
        # Titles written with a trailing period, which the reader strips.
        title += "."
    return title


def _arxiv_id(rng: random.Random, year: int, serial: int) -> str:
    month = rng.randint(1, 12)
    # Five-digit numbers since 2015; the serial keeps IDs unique within a generated list.
    number = 10000 + (serial * 7919 + rng.randint(0, 6)) % 89999
    version = f"v{rng.randint(1, 4)}" if rng.random() < 0.1 else ""
    return f"{year % 100:02d}{month:02d}.{number:05d}{version}"


def _digest(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()


def _paper_url(section: Section, year: int, serial: int, title: str, rng: random.Random) -> str | None:
    digest = _digest(section.heading, serial, title)
    slug = "_".join(word for word in title.split() if word.isalpha())[:60] or "Paper"
    venue = section.venue_id
    if venue == "neurips":
        return f"https://proceedings.neurips.cc/paper_files/paper/{year}/hash/{digest[:32]}-Abstract-Conference.html"
    if venue in ("cvpr", "iccv"):
        upper = venue.upper()
        return f"https://openaccess.thecvf.com/content/{upper}{year}/html/Lee_{slug}_{upper}_{year}_paper.html"
    if venue == "icml":
        return f"https://proceedings.mlr.press/v{202 + year - 2023}/lee{year % 100}{digest[:2]}.html"
    if venue == "iclr":
        return f"https://iclr.cc/virtual/{year}/poster/{10000 + serial % 90000}"
    if venue == "acl":
        return f"https://aclanthology.org/{year}.acl-long.{1 + serial % 900}/"
    if venue == "aaai":
        return f"https://ojs.aaai.org/index.php/AAAI/article/view/{20000 + serial % 80000}"
    if venue == "eccv":
        return f"https://www.ecva.net/papers/eccv_{year}/papers_ECCV/html/{serial}_ECCV_{year}_paper.php"
    if venue is None:
        return None
    if rng.random() < 0.5:
        return f"https://doi.org/10.{1000 + serial % 9000}/{venue}.{year}.{serial}"
    return f"https://papers.example.org/{venue}/{year}/{digest[:10]}.pdf"


def author_names(rng: random.Random) -> list[tuple[str, str]]:
    """One to five (given, family) names, as conference papers have."""
    return [(rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)) for _ in range(rng.randint(1, 5))]


def _authors(rng: random.Random) -> str:
    names = [f"{given} {family}" for given, family in author_names(rng)]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _bullet(rng: random.Random, section: Section, serial: int, title: str) -> str:
    year = section.year
    links: list[tuple[str, str]] = []
    paper = _paper_url(section, year, serial, title, rng)
    arxiv = _arxiv_id(rng, year, serial) if section.venue_id is None or rng.random() < 0.6 else None
    if paper:
        links.append(("paper", paper))
    if arxiv:
        # arXiv-only sections link the abstract page as the paper.
        links.append(("arxiv" if paper else "paper", f"https://arxiv.org/abs/{arxiv}"))
    slug = "-".join(word.lower() for word in title.split() if word.isalpha())[:50] or "paper"
    if rng.random() < 0.5:
        links.append(("paper with code", f"https://paperswithcode.com/paper/{slug}"))
    if rng.random() < 0.45:
        links.append(("code", f"https://github.com/lab{serial % 997}/{slug[:24]}"))
    if section.venue_id in ("iclr", "neurips") or rng.random() < 0.1:
        links.append(("openreview", f"https://openreview.net/forum?id={_digest(serial, title)[:10]}"))
    text = f"- {_escape_markdown(title)} " + " ".join(f"[[{label}]({url})]" for label, url in links)
    if rng.random() < 0.3:
        text += f" {_authors(rng)}"
    return text


def _escape_markdown(title: str) -> str:
    """Escape what the list syntax would otherwise read: ``[[`` would start the link area."""
    return title.replace("[[", r"\[\[")


def _unique_titles(rng: random.Random) -> Iterator[str]:
    seen: set[str] = set()
    while True:
        title = _title(rng)
        folded = title.casefold().rstrip(".")
        if folded in seen:
            continue
        seen.add(folded)
        yield title


def generate(papers: int, seed: int = 1) -> str:
    """Return a list of ``papers`` paper bullets (plus a few repeated papers) as Markdown text."""
    rng = random.Random(seed)
    sections = _choose_sections(rng, papers)
    titles = _unique_titles(rng)
    lines = ["# Awesome Efficient Deep Learning (synthetic benchmark list)", ""]
    years = sorted({section.year for section, _ in sections}, reverse=True)
    for year in years:
        lines.append(f"- [{year}](#{year})")
        for section, _ in sections:
            if section.year == year:
                anchor = section.heading.lower().replace(" ", "-")
                lines.append(f"  - [{section.heading.rsplit('-', 1)[0]}](#{anchor})")
    lines.append("")
    serial = 0
    current_year = None
    previous: list[str] = []
    for section, count in sections:
        if section.year != current_year:
            current_year = section.year
            lines += ["", f"# {current_year}", ""]
        lines += ["", f"## {section.heading}", ""]
        for _ in range(count):
            serial += 1
            if previous and rng.random() < 0.005:
                # Merged lists repeat papers; the repeat sits in another section with the same links.
                lines += ["", rng.choice(previous)]
                continue
            bullet = _bullet(rng, section, serial, next(titles))
            if len(previous) < 1000:
                previous.append(bullet)
            lines += ["", bullet]
    return "\n".join(lines) + "\n"


def records_with_authors(papers: int, seed: int = 1) -> list[Record]:
    """Read a generated list of ``papers`` papers and give each record one to five authors.

    The line reader takes no authors from this layout, so formatting benchmarks and tests add
    them here, deterministically from ``seed``.
    """
    from paperbib.model import Author, evolve
    from paperbib.pipeline import load

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "papers.md")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(generate(papers, seed))
        records = load(path).records
    rng = random.Random(seed)
    return [
        evolve(record, authors=[Author(family=family, given=given) for given, family in author_names(rng)])
        for record in records
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=1000, help="Number of paper bullets. Default: 1000.")
    parser.add_argument("--seed", type=int, default=1, help="Random seed; equal seeds give equal output. Default: 1.")
    parser.add_argument("-o", "--output", default="-", help="Output file. Default: stdout.")
    args = parser.parse_args(argv)
    text = generate(args.papers, args.seed)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
