"""The record model: slotted classes that copy, compare and pickle like plain dataclasses."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from paperbib.model import Author, Identifiers, Link, Location, Record, VenueInfo, evolve
from paperbib.pipeline import Bibliography


@pytest.mark.parametrize("model_class", [Location, Link, Author, Identifiers, VenueInfo, Record])
def test_model_class_has_slots(model_class: type):
    assert "__slots__" in vars(model_class)
    assert "__dict__" not in dir(model_class)


def test_records_pickle_round_trip(papers: Bibliography):
    copies = pickle.loads(pickle.dumps(papers.records))
    assert copies == papers.records
    assert copy.deepcopy(papers.records) == papers.records


def test_link_labels_share_one_string():
    first = Link("".join(["co", "de"]), "https://example.org/a")
    second = Link(label="".join(["c", "ode"]), url="https://example.org/b")
    assert first.label == "code"
    assert first.label is second.label
    assert first.kind == "code"


def test_author_names_share_strings():
    first = Author("".join(["Ok", "afor"]), "".join(["M", "."]))
    second = Author(family="".join(["Oka", "for"]), given="".join(["M."]))
    assert first == second
    assert first.family is second.family
    assert first.given is second.given
    assert Author(literal="OpenAI Team").display() == "OpenAI Team"


def test_replace_runs_custom_init():
    link = dataclasses.replace(Link("paper", "https://example.org"), url="https://example.org/2")
    assert link == Link("paper", "https://example.org/2")
    author = dataclasses.replace(Author("Ng", "Al"), given="Andrew")
    assert author == Author(family="Ng", given="Andrew")


def test_evolve_copies_every_field(papers: Bibliography):
    for record in papers.records:
        clone = evolve(record, key="changed")
        # A shallow copy: every other field is the same object.
        for item in dataclasses.fields(Record):
            if item.name != "key":
                assert getattr(clone, item.name) is getattr(record, item.name), item.name
        assert clone.key == "changed"
        assert record.key != "changed"


def test_evolve_rejects_unknown_field():
    record = Record("A title", Location("list.md", 1))
    with pytest.raises(TypeError, match="Record has no field colour, size"):
        evolve(record, size=1, colour="red")
