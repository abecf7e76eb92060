"""The HTML page: self-contained, every formula whole, and rendered by a real browser.

The browser tests drive Debian's Chromium through its chromedriver with Selenium (no browser is
downloaded); they skip, saying why, where either is missing. Expected values are the records'
own fields, read back from the page.
"""

from __future__ import annotations

import html
import io
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from esma.conjecture import Conjecture, example
from esma.export import read_jsonl
from esma.expr import parse_expression
from esma.htmlpage import PageGroup, statement_html, write_html

CATALOGUE = Path(__file__).resolve().parent.parent / "conjectures"


def _records(name: str) -> list[Conjecture]:
    with (CATALOGUE / name).open(encoding="utf-8") as fh:
        return read_jsonl(fh, name=name)


def _groups(records: list[Conjecture]) -> list[PageGroup]:
    """A family-like group of four first (as the families module will give), then one group
    per record."""
    first = PageGroup(
        key="family-1",
        representative=records[0],
        members=tuple(records[1:4]),
        status="proved",
        classical=True,
        citation="Euler 1737",
    )
    return [first] + [PageGroup(key=c.id, representative=c) for c in records[4:]]


def _page(records=None, groups=None) -> str:
    buf = io.StringIO()
    write_html(records or [], buf, groups=groups)
    return buf.getvalue()


def test_page_is_self_contained_and_shows_every_record():
    records = _records("e2.jsonl")
    page = _page(groups=_groups(records))
    assert page.count("<math") == len(records)
    assert page.count("<tr>") == len(records) - 3 + 1  # rows: groups, plus the heading
    assert "<details><summary>3 more formulas of this group</summary>" in page
    assert all(c.id in page for c in records)
    # Nothing is fetched: no source, link or import from elsewhere.
    assert not re.search(r"""(src|href)\s*=|@import|url\(|https?:""", page)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("\u2212", "-")


def _value(poly: str, m: int) -> Fraction:
    """A printed polynomial like ``(1/2)m2 + 3m - 1`` (tags stripped: m<sup>2</sup> is m2) at m,
    read back with esma's parser."""
    text = re.sub(r"m(\d+)", r"m^\1", poly)
    text = re.sub(r"(\d|\))m", r"\1*m", text).replace("m", f"({m})")
    tree = parse_expression(text)
    assert tree.op == "num", poly
    return Fraction(tree.args[0])


def test_statement_gives_every_head_term_and_every_class():
    """Read back from the page's text for a sample of the catalogue: the signs, the head terms
    in order, and each class's polynomial, which must give the record's terms."""
    for name in sorted(p.name for p in CATALOGUE.glob("*.jsonl")):
        for c in _records(name)[::17]:
            text = _text(statement_html(c))
            qp = c.quasi_polynomial
            terms = c.recurrence.terms(qp.start + 3 * qp.period)
            signs = re.search(r"bn (?:= ([+-])1|repeating \(([^)]*)\))", text)
            assert (signs.group(1) or signs.group(2).replace(", ", "")) == "".join(
                "+" if s > 0 else "-" for s in c.signs
            )
            head = re.search(r"a0(?:, …, a(\d+))? = ([-\d, ]+);", text)
            if qp.start == 0:
                assert head is None, c.id
            else:
                assert [int(v) for v in head.group(2).split(", ")] == terms[: qp.start], c.id
            classes = re.findall(r"a(\d*)\+?(\d*)m = ([^,]+)", text.split("for m ≥ 0: ")[1])
            assert len(classes) == qp.period, c.id
            for j, (_, _, poly) in enumerate(classes):
                for m in range(3):
                    assert _value(poly, m) == terms[qp.start + j + m * qp.period], (c.id, poly)


# -- in a real browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(need_tool, need_module):
    """Headless Chromium through chromedriver, both from Debian's packages."""
    webdriver = need_module("selenium.webdriver")
    need_tool(
        "chromium", "chromedriver", install="Debian: apt-get install chromium chromium-driver"
    )
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The driver's path is given, so Selenium's own driver download is never tried.
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(300)
    yield driver
    driver.quit()


def _open(browser, tmp_path: Path, page: str) -> list[dict]:
    """Load the page from a file; return what the console said while it loaded."""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    browser.get_log("browser")  # drop what an earlier page left
    browser.get(path.as_uri())
    return browser.get_log("browser")


def test_the_console_check_sees_errors(browser, tmp_path):
    """The control: a page with a broken script does report an error, so silence means none."""
    page = _page([example()]).replace("</body>", "<script>notAFunction();</script></body>")
    errors = [e for e in _open(browser, tmp_path, page) if e["level"] == "SEVERE"]
    assert errors and "notAFunction" in errors[0]["message"]


def test_page_renders_every_formula_in_a_browser(browser, tmp_path):
    records = _records("e2.jsonl")
    log = _open(browser, tmp_path, _page(groups=_groups(records)))
    assert not [e for e in log if e["level"] in ("SEVERE", "WARNING")], log
    sizes = browser.execute_script(
        """
        for (const d of document.querySelectorAll("details")) d.open = true;
        return Array.from(document.querySelectorAll("math"), (m) => {
          const box = m.getBoundingClientRect();
          return [box.width, box.height];
        });
        """
    )
    assert len(sizes) == len(records)
    assert all(w > 0 and h > 0 for w, h in sizes), [s for s in sizes if not all(s)][:5]
    # The continued fraction stays full size at every level, as \\cfrac does: every term and
    # numerator right of "=" has the size of the first.
    sizes = browser.execute_script(
        """
        return Array.from(document.querySelectorAll("math"), (math) => {
          const equals = Array.from(math.children).find((e) => e.textContent === "=");
          return Array.from(equals.nextElementSibling.querySelectorAll("mn"),
                            (n) => parseFloat(getComputedStyle(n).fontSize));
        });
        """
    )
    assert all(len(set(s)) == 1 and len(s) >= 7 for s in sizes), sizes[:3]


def test_columns_sort_in_a_browser(browser, tmp_path):
    records = _records("e2.jsonl")[:60]
    _open(browser, tmp_path, _page(records))
    headings = browser.find_elements("css selector", "th")
    names = [h.text for h in headings]
    digits = names.index("Digits")
    button = headings[digits].find_element("css selector", "button")

    def column() -> list[float]:
        return browser.execute_script(
            "return Array.from(document.querySelector('tbody').rows,"
            " (row) => Number(row.cells[arguments[0]].dataset.value));",
            digits,
        )

    assert column() != sorted(column())  # the catalogue's order is by id, not by digits
    button.click()
    assert column() == sorted(column()) == sorted(c.verified_digits for c in records)
    assert headings[digits].get_attribute("aria-sort") == "ascending"
    button.click()
    assert column() == sorted(column(), reverse=True)
    assert headings[digits].get_attribute("aria-sort") == "descending"
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_the_shipped_catalogue_page_loads_with_a_row_per_family(browser, tmp_path):
    """conjectures/catalogue.html (make.sh: `esma export --format html`): one row per family of
    the catalogue, every record's formula rendered, nothing said on the console."""
    from esma.families import families

    records = [c for path in sorted(CATALOGUE.glob("*.jsonl")) for c in _records(path.name)]
    fams = families(records, rates=False)
    page = (CATALOGUE / "catalogue.html").read_text(encoding="utf-8")
    log = _open(browser, tmp_path, page)
    assert not [e for e in log if e["level"] in ("SEVERE", "WARNING")], log
    counts = browser.execute_script(
        "return [document.querySelector('tbody').rows.length,"
        " document.querySelectorAll('math').length];"
    )
    assert counts == [len(fams), len(records)]
