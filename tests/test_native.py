"""The native kernel module (esma.kernels.native): built in the background, equal to the twins.

The module is built once per test run into a temporary folder, through the same detached build a
search starts; every exported kernel is then compared with its plain-Python twin (which
test_screening, test_massey and test_verify compare with numba's JIT), at the int64 limits too.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from esma.kernels import native
from esma.kernels.plain import (
    LIMIT,
    MAX_LIMIT,
    bm_mod_p_py,
    cf_blocks_py,
    recurrence_terms_py,
    screen_block_py,
)
from esma.massey import PRIMES
from esma.screening import call_screen_block, screening_cf

pytestmark = pytest.mark.skipif(
    not native._wanted(), reason="ESMA_NATIVE=0 or NUMBA_DISABLE_JIT=1 asks for no native module"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The native module, built by :func:`native._build_in_background` into a fresh folder."""
    path = tmp_path_factory.mktemp("native") / native.module_path().name
    started = time.monotonic()
    native._build_in_background(path)
    while not path.exists() and not native._failure(path).exists():
        assert time.monotonic() - started < 600, "the background build did not finish"
        time.sleep(0.2)
    assert not native._failure(path).exists(), native._failure(path).read_text()
    return path


@pytest.fixture(scope="module")
def module(built, monkeypatch_module):
    monkeypatch_module.setattr(native, "module_path", lambda: built)
    monkeypatch_module.setattr(native, "_KERNELS", None)
    loaded = native.kernels()
    assert loaded.__file__ == str(built)  # the native module, not the JIT's namespace
    return loaded


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_build_leaves_the_module_and_its_lock_only(built):
    """The background build leaves the module (and its lock) and nothing half-written."""
    names = sorted(p.name for p in built.parent.iterdir())
    assert names == sorted([built.name, native._stem(built) + ".lock"])


def test_a_running_build_is_not_started_twice(tmp_path):
    path = tmp_path / native.module_path().name
    with native._locked(path) as mine:
        assert mine
        assert native.build(path) is False  # another process holds the lock: nothing is built
    assert not path.exists() and not native._failure(path).exists()


def test_a_failed_build_is_remembered_and_the_jit_serves(tmp_path, monkeypatch):
    path = tmp_path / native.module_path().name
    monkeypatch.setattr(native.sys, "executable", "/bin/false")  # a build that fails
    assert native.build(path) is False
    assert native._failure(path).exists()
    monkeypatch.setattr(native, "module_path", lambda: path)
    monkeypatch.setattr(native, "_KERNELS", None)
    assert native.built() is None
    assert not hasattr(native.kernels(), "__file__")  # the JIT's namespace
    monkeypatch.setattr(native, "_KERNELS", None)


def test_a_damaged_module_is_dropped_for_the_jit(tmp_path, monkeypatch):
    path = tmp_path / native.module_path().name
    path.write_bytes(b"not a shared object")
    monkeypatch.setattr(native, "module_path", lambda: path)
    assert native._native() is None
    assert not path.exists()  # the next build replaces it


def test_the_module_is_named_for_the_cpu_it_is_compiled_for(monkeypatch):
    """A cache shared by machines of different kinds keeps one module per kind of CPU: none
    loads instructions its CPU lacks."""
    here = native._host_cpu.__wrapped__()  # Linux: the model and flags; elsewhere None
    assert here is None or "flags" in here or "Features" in here
    names = set()
    for cpu in ("model name: A; flags: sse2 avx2", "model name: A; flags: sse2", None):
        monkeypatch.setattr(native, "_host_cpu", lambda cpu=cpu: cpu)
        names.add(native._module_name.__wrapped__())
    assert len(names) == 3


def test_native_loads_without_numba(built):
    code = (
        "import sys, importlib.util as u;"
        f"s = u.spec_from_file_location({native._stem(built)!r}, {str(built)!r});"
        "m = u.module_from_spec(s); s.loader.exec_module(m);"
        "print(sorted(n for n in dir(m) if not n.startswith('_')), 'numba' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    exported = sorted(n for names in native.EXPORTS.values() for n in names)
    assert done.stdout == f"{exported} False\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=0, max_size=80), st.integers(0, 50))
def test_bm_mod_p_equals_its_twin(module, seq, bound):
    p = PRIMES[0]
    c, L = module.bm_mod_p(np.array([x % p for x in seq], np.int64), p, bound)
    assert (c.tolist(), int(L)) == bm_mod_p_py([x % p for x in seq], p, bound)


_WIDE = st.one_of(
    st.integers(-50, 50),
    st.integers(-LIMIT, LIMIT),
    st.sampled_from([LIMIT, -LIMIT, LIMIT - 1, 2**60, -(2**60) - 1, 2**31, 2**32 + 1]),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_WIDE, min_size=0, max_size=9).filter(lambda c: not c or c[-1] != 0),
    st.data(),
    st.integers(0, 120),
)
@example([0] * 7 + [LIMIT], None, 12)  # order · cmax wraps to 0 in int64: no division by it
def test_recurrence_terms_equal_their_twin(module, coeffs, data, count):
    charpoly = [1, *coeffs]
    if data is None:
        initial = [0] * len(coeffs)
    else:
        initial = data.draw(st.lists(_WIDE, min_size=len(coeffs), max_size=len(coeffs) + 3))
    out, valid = module.recurrence_terms(
        np.array(charpoly, np.int64), np.array(initial, np.int64), count
    )
    assert (out.tolist(), int(valid)) == recurrence_terms_py(charpoly, initial, count)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_WIDE, min_size=0, max_size=60),
    st.lists(st.sampled_from([1, -1]), min_size=1, max_size=4),
    st.integers(1, 5),
    st.lists(st.integers(1, 70), max_size=5),
)
@example([LIMIT, LIMIT, LIMIT], [1], 1, [])
@example([1] * 100, [1], 1, [])
def test_cf_blocks_equal_their_twin(module, terms, signs, first, stops):
    stops = sorted(set(stops))
    ends, mats, growth = module.cf_blocks(
        np.array(terms, np.int64), np.array(signs, np.int64), first, np.array(stops, np.int64)
    )
    assert (ends.tolist(), mats.tolist(), growth.tolist()) == cf_blocks_py(
        terms, signs, first, stops
    )


@pytest.mark.parametrize(("constant", "seed"), [("e", 1), ("pi", 2), ("sqrt(2)", 3)])
def test_screen_block_equals_its_twin(module, constant, seed):
    from esma.constants import get_constant

    rng = random.Random(seed)
    maps = [[rng.randint(-4, 4) for _ in range(4)] for _ in range(150)]
    maps = [m for m in maps if m[0] * m[3] - m[1] * m[2]]
    signs = [tuple(rng.choice((1, -1)) for _ in range(rng.randint(1, 4))) for _ in range(6)]
    depth, bound = 60, 14
    cfs = [screening_cf(get_constant(constant), depth)] * len(maps)
    status, complexity, terms = call_screen_block(
        module.screen_block, maps, signs, cfs, depth, bound, PRIMES[0]
    )
    twin = screen_block_py(
        maps, signs, [len(s) for s in signs], cfs, [len(c) for c in cfs], depth, bound,
        PRIMES[0], MAX_LIMIT,
    )  # fmt: skip
    assert status.tolist() == list(twin[0])
    assert complexity.tolist() == list(twin[1])
    assert np.asarray(terms).tolist() == [list(t) for t in twin[2]]
