"""esma's own processes collect garbage less often; a caller's process keeps its settings."""

import gc
import subprocess
import sys

from esma.collector import THRESHOLDS
from esma.workers import Pool


def test_the_command_tunes_its_own_process():
    script = (
        "import gc, sys\n"
        "from esma.cli import main\n"
        "sys.argv = ['esma', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.get_threshold(), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stderr.strip() == str(THRESHOLDS)


def test_workers_are_tuned_and_the_caller_is_not():
    before = gc.get_threshold()
    assert before != THRESHOLDS  # pytest's process: the default, as a notebook's would be
    with Pool() as pool:
        pool.spawn().send(1, gc.get_threshold, ())
        event = next(pool.events())
    assert event.ok and event.value == THRESHOLDS
    assert gc.get_threshold() == before


def test_a_caller_invoking_the_group_keeps_its_settings():
    from click.testing import CliRunner

    from esma.cli import main

    before = gc.get_threshold()
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0
    assert gc.get_threshold() == before
