"""capflow.run gives the CLI's `run --format json` document, number for number."""

import _thread
import threading
import time

import pytest

import capflow
from conftest import assert_same_document, cli, cli_json, presets

# What a run's document may differ in: how long it took.
SKIP = ("/meta/wall_seconds",)


def runnable(path):
    return capflow.load(path).has_projection


@pytest.mark.parametrize("preset", presets())
def test_run_equals_cli_for_each_preset(preset):
    s = capflow.load(preset)
    if not s.has_projection:
        with pytest.raises(capflow.ScenarioError, match="no \"projection\" section"):
            capflow.run(s, paths=100)
        assert cli("run", preset, "--paths", "100", check=False)[0] == 2
        return
    args = ("run", preset, "--paths", "3000", "--seed", "7", "--threads", "2")
    expected = cli_json(*args)
    got = capflow.run(s, paths=3000, seed=7, threads=2).to_dict()
    assert_same_document(expected, got, skip=SKIP)


def test_default_threads_and_compute_and_overrides_equal_cli():
    preset = "scenarios/openai-2024-round.json"
    expected = cli_json("run", preset, "--paths", "2000", "--seed", "11", "--compute", "pv,irr",
                        "--set", "projection.discount_rate=12%")
    s = capflow.load(preset, {"projection.discount_rate": "12%"})
    got = capflow.run(s, paths=2000, seed=11, compute=["pv", "irr"]).to_dict()
    assert_same_document(expected, got, skip=SKIP)


def test_precision_equals_cli():
    preset = "scenarios/openai-2024-round.json"
    expected = cli_json("run", preset, "--paths", "40000", "--precision", "0.05", "--quiet")
    got = capflow.run(capflow.load(preset), paths=40000, precision=0.05).to_dict()
    assert_same_document(expected, got, skip=SKIP)


def test_the_readme_number():
    preset = "scenarios/openai-2024-round.json"
    expected = cli_json("run", preset, "--paths", "10000", "--seed", "42")
    got = capflow.run(capflow.load(preset), paths=10000, seed=42).to_dict()
    assert repr(got["holders"]["microsoft"]["pv"]["mean"]) == repr(
        expected["holders"]["microsoft"]["pv"]["mean"])


def test_bad_arguments_raise():
    s = capflow.load("scenarios/openai-2024-round.json")
    with pytest.raises(ValueError, match="paths"):
        capflow.run(s, paths=0)
    with pytest.raises(ValueError, match="compute"):
        capflow.run(s, compute="pv,bogus")
    with pytest.raises(ValueError, match="nominal or pv"):
        capflow.run(s, compute="irr", precision=0.01)


def test_progress_is_reported_and_can_stop_a_run():
    s = capflow.load("scenarios/bench.json")
    seen = []
    capflow.run(s, paths=20000, threads=1, progress=lambda d, t: seen.append((d, t)),
                progress_interval=0.01)
    assert seen and seen[-1] == (20000, 20000)
    assert all(d <= t for d, t in seen)

    class Stop(Exception):
        pass

    def stop(done, total):
        raise Stop()

    start = time.monotonic()
    with pytest.raises(Stop):
        capflow.run(s, paths=10**9, threads=1, progress=stop, progress_interval=0.05)
    assert time.monotonic() - start < 30


def test_gil_is_released_while_simulating():
    s = capflow.load("scenarios/bench.json")
    counter = [0]
    running = threading.Event()
    done = threading.Event()

    def count():
        running.set()
        while not done.is_set():
            counter[0] += 1

    t = threading.Thread(target=count)
    t.start()
    running.wait()
    before = counter[0]
    start = time.monotonic()
    capflow.run(s, paths=200000, threads=1, progress_interval=10)
    elapsed = time.monotonic() - start
    during = counter[0] - before
    done.set()
    t.join()
    # With the GIL held for the whole run the counter could move only at the start and end;
    # released, it counts all along (millions per second; a loaded machine still does 10^4).
    assert elapsed > 0.05, "the run was too short to tell"
    assert during > 10000, f"the other thread counted {during} in {elapsed:.2f}s"


def test_keyboard_interrupt_stops_a_run():
    s = capflow.load("scenarios/bench.json")
    timer = threading.Timer(0.5, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        capflow.run(s, paths=10**9, threads=1)
    timer.join()
    assert time.monotonic() - start < 30
    # The module still works after an interrupt.
    assert capflow.run(s, paths=100).to_dict()["meta"]["paths"] == 100
