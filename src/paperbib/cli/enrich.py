"""``paperbib enrich``: fetch authors, DOIs, pages, volume and publisher into a sidecar file beside the list."""

from __future__ import annotations

import os
import sys

import click

from paperbib.cli.common import check_codec, input_argument, print_diagnostics, reported_errors
from paperbib.errors import PaperbibError
from paperbib.messages import plural


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip() or not setting.strip():
            raise click.BadParameter(f"expected SOURCE=VALUE, got {value!r}", param_hint=option)
        # OPENREVIEW_V1 (as in the environment variable) and openreview-v1 name the same source.
        pairs[name.strip().lower().replace("_", "-")] = setting.strip()
    return pairs


class _ClickProgress:
    """Progress on a click progress bar whose length grows as lookups are planned."""

    def __init__(self, bar: click._termui_impl.ProgressBar[int]) -> None:
        self.bar = bar

    def planned(self, count: int) -> None:
        self.bar.length = (self.bar.length or 0) + count

    def advance(self, count: int) -> None:
        self.bar.update(count)


@click.command()
@input_argument
@click.option(
    "--source",
    "source_text",
    default="arxiv,dblp,openreview,crossref",
    show_default=True,
    metavar="LIST",
    help="Comma-separated sources to ask: arxiv, dblp, openreview, crossref.",
)
@click.option(
    "--cache",
    "cache_dir",
    default=None,
    metavar="DIR",
    help="Folder of the lookup cache. Default: the user cache folder (e.g. ~/.cache/paperbib/enrich).",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Use only the cache and the existing sidecar; send no request. A paper with nothing cached is "
    "counted as not looked up. Default: off.",
)
@click.option(
    "--refresh", is_flag=True, help="Ignore cached results and send every request again. Default: off (use the cache)."
)
@click.option(
    "--base-url",
    "base_urls",
    multiple=True,
    metavar="SOURCE=URL",
    help="Base URL of a source, e.g. dblp=http://127.0.0.1:8000/search/publ/api. Repeatable. "
    "Default: the public service, or $PAPERBIB_<SOURCE>_URL.",
)
@click.option(
    "--delay",
    "delays",
    multiple=True,
    metavar="SOURCE=SECONDS",
    help="Minimum seconds between two requests to a source. Repeatable. "
    "Default: arxiv=3 (arXiv's rule), dblp=1, openreview=1, crossref=0.5, or $PAPERBIB_<SOURCE>_DELAY.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=None,
    metavar="SECONDS",
    help="Seconds to wait for each response. Default: 20, or $PAPERBIB_ENRICH_TIMEOUT.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Retries after a 429 or 5xx status, a timeout or a connection error. Default: 3, or $PAPERBIB_ENRICH_RETRIES.",
)
@click.option(
    "--encoding", default=None, metavar="CODEC", callback=check_codec, help="Text encoding of INPUT. Default: utf-8."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary on stderr. Default: off.")
def enrich(
    input_path: str,
    source_text: str,
    cache_dir: str | None,
    offline: bool,
    refresh: bool,
    base_urls: tuple[str, ...],
    delays: tuple[str, ...],
    timeout: float | None,
    retries: int | None,
    encoding: str | None,
    quiet: bool,
) -> None:
    """Look up the papers of INPUT (default: papers.md) and store what is found in INPUT's sidecar.

    The sidecar is INPUT with its extension replaced by .meta.json (papers.md -> papers.meta.json).
    export merges it automatically, offline; values written in the list always win. Failed lookups
    are reported and never stop the run. Exit status: 0 when the sidecar was written, even if some
    lookups failed; 1 on a read or write error; 2 on a usage error.
    """
    from dataclasses import replace

    from paperbib.enrich.cache import LookupCache
    from paperbib.enrich.result import Status
    from paperbib.enrich.runner import Enricher
    from paperbib.enrich.settings import EnrichSettings, parse_seconds, parse_sources
    from paperbib.enrich.sidecar import read_sidecar, sidecar_path, write_sidecar
    from paperbib.enrich.sources import build_sources
    from paperbib.pipeline import load

    if offline and refresh:
        raise click.UsageError("--offline and --refresh cannot be combined: --refresh sends every request again")
    path = sidecar_path(input_path)
    if path is None:
        raise click.BadParameter("enrich needs a file, because the sidecar is written beside it", param_hint="INPUT")
    try:
        names = parse_sources(source_text)
    except PaperbibError as error:
        raise click.BadParameter(str(error), param_hint="--source") from None
    url_overrides = _pairs(base_urls, "--base-url")
    try:
        delay_overrides = {
            name: parse_seconds(value, f"delay of {name}") for name, value in _pairs(delays, "--delay").items()
        }
        settings = EnrichSettings.from_env().with_overrides(url_overrides, delay_overrides)
    except PaperbibError as error:
        raise click.UsageError(str(error)) from None
    with reported_errors():
        if timeout is not None:
            settings = replace(settings, timeout=timeout)
        if retries is not None:
            settings = replace(settings, retries=retries)
        bibliography = load(input_path, encoding=encoding, sidecar=False)
        print_diagnostics(bibliography.diagnostics, quiet)
        if not bibliography.records:
            raise click.ClickException(f"{bibliography.source_name}: no papers found")
        previous = read_sidecar(path) if os.path.isfile(path) else None
        enricher = Enricher(build_sources(names, settings), LookupCache(cache_dir), offline=offline, refresh=refresh)
        if sys.stderr.isatty():
            with click.progressbar(length=0, label="looking up papers", file=sys.stderr) as bar:
                report = enricher.run(bibliography.records, previous, _ClickProgress(bar))
        else:
            report = enricher.run(bibliography.records, previous)
        write_sidecar(path, report.sidecar)
    print_diagnostics(report.diagnostics, quiet)
    counts = report.counts()
    shown = [status for status in Status if status is not Status.NOT_LOOKED_UP or offline]
    summary = ", ".join(f"{counts[status]} {status.value}" for status in shown)
    if counts[Status.NOT_LOOKED_UP]:
        summary += " (not in the cache; run without --offline to look them up)"
    click.echo(f"enriched {plural(len(report.outcomes), 'paper')} into {path}: {summary}", err=True)
