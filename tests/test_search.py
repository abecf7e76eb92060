"""The ESMA search: screen, recurrence, approve.

Expected results come from the published reference's own tests, its shortfall as the
maintainers measured it (conjectures/README.md, "Comparison with the published reference"), and from classical continued fractions (Euler's e, Lambert's cot 1, the Bessel ratio
I0(2)/I1(2) = [1; 2, 3, 4, ...]). Every conjecture produced here is re-verified at 2000 digits by
an independent route: sympy + mpmath for the value, backward evaluation for the fraction.
"""

import mpmath
import pytest
import sympy

from esma.errors import InvalidExpression, InvalidParameter
from esma.search import SearchSpace, run, run_chunk

MP_CONSTANTS = {
    "e": lambda: mpmath.e,
    "tan1": lambda: mpmath.tan(1),
    "besselratio": lambda: mpmath.besseli(1, 2) / mpmath.besseli(0, 2),
    "pi": lambda: mpmath.pi,
}


def search(constant, **options):
    return run(SearchSpace.create(constant, **options))


@pytest.fixture(scope="module")
def e_length2():
    """The reference's search space for e: Möbius |coef| <= 2, periods of length <= 2, depth 105."""
    return search("e", coeff=2, periods="1-2", depth=105)


def by_formula(conjectures, lhs, signs):
    return [c for c in conjectures if c.lhs == lhs and c.signs == signs]


def test_reference_results_for_e_are_found(e_length2):
    """Worked examples of the published reference's own tests, which the reference also finds."""
    (c,) = by_formula(e_length2, "x/(x - 1)", (1, -1))
    assert c.a_prefix[:7] == (1, 2, 3, 2, 5, 2, 7)
    assert c.recurrence.charpoly == (1, 0, -2, 0, 1)
    (c,) = by_formula(e_length2, "x - 1", (-1, 1))
    assert c.a_prefix[:8] == (2, 3, 2, 5, 2, 7, 2, 9)
    (c,) = by_formula(e_length2, "x/(x - 2)", (1,))
    assert c.a_prefix[:12] == (3, 1, 3, 1, 1, 1, 3, 3, 3, 1, 3, 1)
    assert c.recurrence.charpoly == (1, 0, 0, -1, 0, 0, -1, 0, 0, 1)


def test_e_irregular_head_is_not_lost(e_length2):
    """e = [2; 1, 2, 1, 1, 4, ...]: the reference drops it (irregular a0); esma must not."""
    (c,) = by_formula(e_length2, "x", (1,))
    qp = c.quasi_polynomial
    assert (qp.start, qp.period) == (1, 3)
    assert [list(map(int, p)) for p in qp.polys] == [[1], [2, 2], [1]]


def test_e_finds_many_more_values_than_the_reference(e_length2):
    """Seeding with the first L terms gives ~83 distinct values where the reference finds 13
    (conjectures/README.md, "Comparison with the published reference" (length-2 periods; our primitive periods 1-2 cover the same sign sequences)."""
    values = {c.lhs for c in e_length2}
    assert len(values) >= 83
    zero_head = [c for c in e_length2 if c.a_prefix[0] == 0]
    assert zero_head, "values in (0, 1) (a0 = 0) must be kept"


def test_every_conjecture_is_approved_to_1000_digits(e_length2):
    assert e_length2 and all(c.verified_digits >= 1000 for c in e_length2)
    assert len({c.id for c in e_length2}) == len(e_length2)


def independent_check(conj, digits=2000):
    """Value by sympy + mpmath (not esma's parser or arb); the fraction by exact integer
    convergents of the recurrence's terms, taken until consecutive ones differ by < 10^-(digits+10)."""
    x = sympy.Symbol("x")
    f = sympy.lambdify(x, sympy.sympify(conj.lhs, locals={"x": x}), "mpmath")
    p0, q0, p1, q1, b = 1, 0, None, None, 1
    for n, a in enumerate(conj.recurrence.iter_terms()):
        if n == 0:
            p1, q1 = a, 1
        else:
            p1, p0 = a * p1 + b * p0, p1
            q1, q0 = a * q1 + b * q0, q1
        b = conj.signs[n % len(conj.signs)]
        if q0 and abs(q0 * q1) > 10 ** (digits + 10):
            break
        assert n < 50_000, "continued fraction does not converge"
    with mpmath.workdps(digits + 30):
        y = f(MP_CONSTANTS[conj.constant]())
        return abs(mpmath.mpf(p1) / q1 - y) < mpmath.mpf(10) ** (-digits)


def test_all_found_conjectures_reverify_independently_at_2000_digits(e_length2):
    assert all(independent_check(c) for c in e_length2)


@pytest.mark.parametrize(
    "constant, lhs, signs, prefix",
    [
        ("tan1", "x", (1,), (1, 1, 1, 3, 1, 5, 1, 7)),  # tan 1 = [1; 1, 1, 3, 1, 5, ...]
        ("tan1", "1/x", (-1,), (1, 3, 5, 7, 9, 11)),  # Lambert: cot 1 = 1 - 1/(3 - 1/(5 - ...))
        ("besselratio", "1/x", (1,), (1, 2, 3, 4, 5, 6, 7)),  # I0(2)/I1(2) = [1; 2, 3, 4, ...]
    ],
)
def test_worked_examples_come_out_of_the_default_search(
    constant, lhs, signs, prefix, default_results
):
    found = default_results(constant)
    (c,) = by_formula(found, lhs, signs)
    assert c.a_prefix[: len(prefix)] == prefix
    assert independent_check(c)


@pytest.fixture(scope="module")
def default_results():
    cache = {}

    def get(constant):
        if constant not in cache:
            cache[constant] = search(constant)
        return cache[constant]

    return get


@pytest.mark.parametrize("constant", ["pi", "zeta3", "log2", "catalan"])
def test_no_conjectures_for_constants_without_known_formulas(constant):
    """Degree 1, coef 2, periods 1-3, depth 100: nothing (L ~ n/2; conjectures/README.md, "Negative results")."""
    space = SearchSpace.create(constant, degree=1, coeff=2, periods="1-3", depth=100)
    results = [run_chunk(space, i) for i in range(space.total_chunks)]
    assert sum(len(r.conjectures) for r in results) == 0
    assert sum(r.screened for r in results) == space.total_candidates


def test_approve_rejects_screen_false_positives_for_pi():
    """All-minus expansions contain long runs of 2s (mirrors of large regular-CF quotients such
    as pi's 292) that pass the screen; Approve must reject every one of them."""
    space = SearchSpace.create("pi", coeff=2, periods="1-3", depth=100)
    results = [run_chunk(space, i) for i in range(space.total_chunks)]
    flagged = sum(r.flagged for r in results)
    assert flagged > 0 and sum(r.rejected for r in results) == flagged
    assert not any(r.conjectures for r in results)


def test_search_is_deterministic():
    space = SearchSpace.create("e", coeff=1, periods="1-2", depth=60)
    first = [c.to_dict() for c in run(space)]
    again = [c.to_dict() for c in run(SearchSpace.create("e", coeff=1, periods="1-2", depth=60))]
    assert first == again and first


@pytest.mark.parametrize(
    "options, match",
    [
        ({"periods": "0-3"}, "periods"),
        ({"periods": "3-1"}, "periods"),
        ({"depth": 3}, "depth"),
        ({"coeff": 0}, "coeff"),
        ({"degree": 0}, "degree"),
        ({"digits": 5}, "digits"),
        ({"threshold": 0.9}, "threshold"),
        ({"coeff": 50, "degree": 4}, "coeff"),
    ],
)
def test_bad_parameters(options, match):
    """The library names its own parameters (the CLI turns them into --options)."""
    with pytest.raises(InvalidParameter, match=f"^{match}: ") as info:
        SearchSpace.create("e", **options)
    assert info.value.parameter == match


@pytest.mark.parametrize("constant", ["nosuchconstant", "1/3", "exp(1)-exp(1)", "__import__('os')"])
def test_bad_constants(constant):
    with pytest.raises(InvalidExpression):
        SearchSpace.create(constant)


@pytest.mark.parametrize(
    "constant, options",
    [
        ("e", {"coeff": 2, "periods": "1-3"}),
        ("pi", {"coeff": 2, "periods": "1-3"}),
        ("phi", {"coeff": 2, "periods": "1-2"}),
        ("e", {"degree": 2, "coeff": 1, "periods": "1-2"}),
    ],
)
def test_kernel_path_equals_exact_path(constant, options):
    """The batch screening kernel and the exact certified path give identical chunk results."""
    space = SearchSpace.create(constant, depth=80, **options)
    for index in range(space.total_chunks):
        assert run_chunk(space, index) == run_chunk(space, index, exact=True)


@pytest.mark.parametrize(
    "constant, options",
    [
        ("e", {"coeff": 2, "periods": "1-3"}),
        ("phi", {"coeff": 1, "periods": "1-2"}),
        ("e", {"degree": 2, "coeff": 1, "periods": "1-2"}),
    ],
)
def test_plain_twins_equal_compiled_kernels_chunk_by_chunk(monkeypatch, constant, options):
    """A search small enough to skip numba runs the kernels' plain twins (screening,
    Berlekamp-Massey, Approve without int64 blocks): every chunk's result is the compiled one."""
    results = {}
    for mode in ("compiled", "plain"):
        monkeypatch.setenv("ESMA_KERNELS", mode)
        space = SearchSpace.create(constant, depth=80, **options)
        assert space.compiled == (mode == "compiled")
        results[mode] = [run_chunk(space, i) for i in range(space.total_chunks)]
    assert results["plain"] == results["compiled"]


def test_degree_two_first_pass_decides_as_the_full_prefix(monkeypatch):
    """Values of degree 2 are first expanded to the precision the first 2K + 4 terms need; the
    candidates left undecided get the full prefix. The outcomes are those of the full prefix
    alone, and the second pass does happen (e's values with short recurrences need it)."""
    import esma.screening as screening
    from esma.search import _screen_block
    from esma.transforms import LhsValue

    space = SearchSpace.create("e", degree=2, coeff=1, periods="1-3", depth=80)
    full_calls = []
    real = screening.screening_cf

    def counting(value, depth, *, bits=None):
        if bits is None:
            full_calls.append(value)
        return real(value, depth, bits=bits)

    monkeypatch.setattr(screening, "screening_cf", counting)
    for index in range(space.total_chunks):
        lhs = space.chunk(index)
        values = [LhsValue(f, space.constant_value) for f in lhs]
        staged = _screen_block(space, lhs, values, space.compiled)
        cfs = [real(v, space.depth) for v in values]
        whole = screening.screen_values_block(cfs, space.signs, space.depth, space.flag_bound)
        assert staged == whole
    assert full_calls  # the second pass ran for some values
    assert len(full_calls) < len(space.lhs)  # and only for some
