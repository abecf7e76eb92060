"""The independent checker: accepts every certificate the prover makes, and rejects every way a
certificate or its record can be wrong (one test per way)."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest

from esma.conjecture import Conjecture, example
from esma.proofcheck import check, check_jsonl
from esma.prove import prove
from esma.search import SearchSpace, run
from tests.test_prove import as_record, closed_form_record

CATALOGUE = Path(__file__).resolve().parent.parent / "conjectures"


def _catalogue_record(constant: str, rich) -> dict:
    """The first record of a catalogue file whose certificate satisfies ``rich``."""
    for line in (CATALOGUE / f"{constant}.jsonl").read_text().splitlines():
        record = as_record(Conjecture.from_dict(json.loads(line), trusted=True))
        if rich(record["proof"]):
            return record
    raise AssertionError(f"no {constant} record with such a certificate")


def _surd_record() -> dict:
    space = SearchSpace.create("sqrt(3)", coeff=1, periods=(2, 2), depth=60)
    return as_record(run(space)[0])


BASES = {
    "example": lambda: as_record(example()),
    # polynomial boundary states S(j)
    "e": lambda: _catalogue_record("e", lambda c: any(len(p) >= 2 for p in c["S"])),
    # the longest super-block of tan 1's records
    "tan1": lambda: _catalogue_record("tan1", lambda c: c["L"] >= 5),
    "sqrt3": _surd_record,
}
_cache: dict[str, dict] = {}


def base(name: str) -> dict:
    if name not in _cache:
        _cache[name] = BASES[name]()
        assert check(_cache[name]).ok, check(_cache[name]).reason
    return copy.deepcopy(_cache[name])


def _bump(poly: list) -> list:
    return [poly[0] + 1 if isinstance(poly[0], int) else 1, *poly[1:]] if poly else [1]


def _swap_first_read_emit(cert):
    i = cert["schedule"].index("ce")
    s = cert["schedule"]
    cert["schedule"] = s[:i] + "ec" + s[i + 2 :]


def _conv_to_minus_two(cert):
    # a term that is (2, -1) in every super-block, if the proof has one; else out of range
    cert["conv"] = len(cert["E"])


# One entry per way a certificate can be wrong.
TAMPERS = {
    "theorem renamed": lambda c: c.update(theorem="e2" if c["theorem"] != "e2" else "e"),
    "theorem unknown": lambda c: c.update(theorem="pi"),
    "theorem wrong type": lambda c: c.update(theorem=None),
    "square flipped": lambda c: c.update(square=not c["square"]),
    "square wrong type": lambda c: c.update(square="false"),
    "M entry changed": lambda c: c["M"].__setitem__(1, c["M"][1] + 1),
    "M scaled": lambda c: c.update(M=[2 * x for x in c["M"]]),
    "M truncated": lambda c: c["M"].pop(),
    "M singular": lambda c: c.update(M=[1, 1, 1, 1]),
    "M wrong type": lambda c: c.update(M=[str(x) for x in c["M"]]),
    "L plus one": lambda c: c.update(L=c["L"] + 1),
    "L zero": lambda c: c.update(L=0),
    "L text": lambda c: c.update(L=str(c["L"])),
    "j1 plus one": lambda c: c.update(j1=c["j1"] + 1),
    "j1 negative": lambda c: c.update(j1=-1),
    "j1 huge": lambda c: c.update(j1=10**9),
    "j1 bool": lambda c: c.update(j1=c["j1"] != 1),
    "phase changed": lambda c: c.update(phase=c["phase"] + 1),
    "phase negative": lambda c: c.update(phase=-1),
    "prefix term changed": lambda c: c["prefix"].__setitem__(-1, c["prefix"][-1] + 1),
    "prefix first term changed": lambda c: c["prefix"].__setitem__(0, c["prefix"][0] - 1),
    "prefix truncated": lambda c: c["prefix"].pop(),
    "prefix extra term": lambda c: c["prefix"].append(1),
    "prefix empty": lambda c: c.update(prefix=[]),
    "prefix wrong type": lambda c: c.update(prefix=[str(x) for x in c["prefix"]]),
    "S coefficient changed": lambda c: c["S"].__setitem__(0, _bump(c["S"][0])),
    "S entry negated": lambda c: c["S"].__setitem__(1, [-x for x in c["S"][1]] or [1]),
    "S trailing zero": lambda c: c["S"][0].append(0),
    "S non-canonical fraction": lambda c: c["S"][0].__setitem__(0, f"{c['S'][0][0]}/1"),
    "S three polynomials": lambda c: c["S"].pop(),
    "S wrong type": lambda c: c.update(S="S"),
    "schedule emit before read": _swap_first_read_emit,
    "schedule truncated": lambda c: c.update(schedule=c["schedule"][:-1]),
    "schedule extra read": lambda c: c.update(schedule=c["schedule"] + "c"),
    "schedule bad letter": lambda c: c.update(schedule=c["schedule"].replace("c", "x", 1)),
    "schedule wrong type": lambda c: c.update(schedule=list(c["schedule"])),
    "E term changed": lambda c: c["E"].__setitem__(0, _bump(c["E"][0])),
    "E last term changed": lambda c: c["E"].__setitem__(-1, _bump(c["E"][-1])),
    "E slope changed": lambda c: c["E"].__setitem__(0, [*c["E"][0][:1], 5, *c["E"][0][2:]]),
    "E truncated": lambda c: c["E"].pop(),
    "E extra entry": lambda c: c["E"].append([1]),
    "E fraction": lambda c: c["E"].__setitem__(0, ["1/2", *c["E"][0][1:]]),
    "E wrong type": lambda c: c["E"].__setitem__(0, 3),
    "conv out of range": _conv_to_minus_two,
    "conv negative": lambda c: c.update(conv=-1),
    "conv text": lambda c: c.update(conv="0"),
    "version": lambda c: c.update(v=2),
    "field missing": lambda c: c.pop("conv"),
    "field extra": lambda c: c.update(note="trust me"),
}


@pytest.mark.parametrize("name", sorted(BASES))
def test_valid_certificates(name):
    result = check(base(name))
    assert result.ok and result.reason.startswith("valid: ")


@pytest.mark.parametrize("base_name", sorted(BASES))
@pytest.mark.parametrize("tamper", sorted(TAMPERS))
def test_tampered_certificate_is_rejected(base_name, tamper):
    record = base(base_name)
    before = copy.deepcopy(record["proof"])
    TAMPERS[tamper](record["proof"])
    assert record["proof"] != before
    result = check(record)
    assert not result.ok and result.reason


def test_conv_pointing_at_a_minus_two_term_is_rejected():
    record = base("example")  # e - 1, signs (-, +): E = [3 + 2j, 2], the 2 has b = -1
    cert = record["proof"]
    assert cert["E"][1] == [2] and record["signs"][(cert["phase"] + 1) % 2] == -1
    cert["conv"] = 1
    assert check(record).reason == "conv does not point at a term that is never (2, -1)"


def test_one_emitted_term_changed_is_rejected():
    record = base("example")
    record["proof"]["E"][0] = [3, 3]
    result = check(record)
    assert not result.ok and "not justified" in result.reason


def test_schedule_swap_keeps_the_end_state_but_not_the_justification():
    record = base("tan1")
    _swap_first_read_emit(record["proof"])
    assert "not justified" in check(record).reason


# -- records that are wrong, with a certificate of the true record ---------------------------------


def _with_true_certificate(false: Conjecture) -> dict:
    return {**false.to_dict(), "status": "proved", "proof": prove(example()).certificate}


@pytest.mark.parametrize(
    "changes",
    [{"lhs": "x - 2"}, {"lhs": "(x - 1)/2"}, {"signs": (1, -1)}, {"signs": (-1, 1, -1, 1)},
     {"constant": "e2"}, {"constant": "sqrte"}, {"constant": "pi"}],
)  # fmt: skip
def test_changed_record_fields_are_rejected(changes):
    assert not check(_with_true_certificate(dataclasses.replace(example(), **changes))).ok


def test_wrong_constants_theorem_is_rejected():
    record = _with_true_certificate(dataclasses.replace(example(), constant="e2"))
    assert check(record).reason == "certificate cites theorem 'e', the constant has 'e2'"
    record["proof"]["theorem"] = "e2"  # re-keyed: then the replay of e²'s terms fails
    assert not check(record).ok


def test_changed_closed_form_coefficient_is_rejected():
    record = _with_true_certificate(closed_form_record(example(), [2], 1, 2, [[3, 3], [2]]))
    assert check(record).reason == "at n = 3: proven 5, record says 6"


def test_changed_head_term_is_rejected():
    record = _with_true_certificate(closed_form_record(example(), [3], 1, 2, [[3, 2], [2]]))
    assert not check(record).ok


def test_formula_true_on_100_terms_only_is_rejected():
    poly = [1]
    for i in range(50):
        poly = [(poly[k - 1] if k else 0) - i * (poly[k] if k < len(poly) else 0)
                for k in range(len(poly) + 1)]  # fmt: skip
    fake = closed_form_record(example(), [2], 1, 2, [[3 + poly[0], 2 + poly[1], *poly[2:]], [2]])
    assert fake.recurrence.terms(101) == example().recurrence.terms(101)
    result = check(_with_true_certificate(fake))
    assert not result.ok and result.reason.startswith("at n = 101: proven 103")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: r["quasi_polynomial"]["polys"][1].__setitem__(1, 3),
        lambda r: r["quasi_polynomial"]["polys"][0].__setitem__(0, 3),
        lambda r: r["quasi_polynomial"].update(start=1),
        lambda r: r["quasi_polynomial"].update(period=4),
        lambda r: r["recurrence"]["initial"].__setitem__(0, 3),
        lambda r: r["recurrence"]["charpoly"].__setitem__(2, -3),
        lambda r: r["a_prefix"].__setitem__(7, 99),
        lambda r: r.update(signs=[1, 1]),
        lambda r: r.update(signs=[]),
        lambda r: r.update(lhs="x + 1 - 3"),
        lambda r: r.update(lhs="x**2 - 1"),
        lambda r: r.update(constant="exp(2)"),
        lambda r: r.update(quasi_polynomial=None),
        lambda r: r.update(status="conjectured"),
        lambda r: r.update(proof=None),
        lambda r: r.pop("recurrence"),
    ],
)
def test_tampered_record_is_rejected(tamper):
    record = base("example")
    tamper(record)
    assert not check(record).ok


def test_not_a_record():
    assert not check([]).ok and not check({"status": "proved"}).ok


# -- files ---------------------------------------------------------------------------------------


def test_check_jsonl_counts_and_names_invalid_records():
    good = base("example")
    bad = base("example")
    bad["proof"]["E"][0] = [3, 3]
    bad["id"] = "feedfacefeedface"
    unproved = {**example().to_dict(), "status": "conjectured", "proof": None}
    lines = [json.dumps(good), "", json.dumps(bad), json.dumps(unproved), "[1, 2]"]
    summary = check_jsonl(lines)
    assert (summary.records, summary.certificates, summary.valid) == (4, 3, 1)
    assert [i for i, _ in summary.invalid] == ["feedfacefeedface", "line 5"]
    assert str(summary) == "3 certificates, 1 valid" and not summary.ok
    assert check_jsonl([json.dumps(good)]).ok


@pytest.mark.slow
def test_whole_catalogue_proved_and_checked():
    """All 8,416 catalogue records: proved, none refuted, every certificate valid."""
    lines = []
    statuses: dict[str, int] = {}
    for path in sorted(CATALOGUE.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            conjecture = Conjecture.from_dict(json.loads(line), trusted=True)
            proof = prove(conjecture)
            statuses[proof.status] = statuses.get(proof.status, 0) + 1
            lines.append(json.dumps(as_record(conjecture, proof)))
    assert statuses == {"proved": 8416}
    summary = check_jsonl(lines)
    assert (summary.certificates, summary.valid) == (8416, 8416)
