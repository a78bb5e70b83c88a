"""Metrics of forked processes are added up by whichever process serves /metrics."""

import os
import subprocess
import sys
import textwrap

from game_scheduler.observability import multiprocess
from tests.support.metrics import parse, value

FORKING = textwrap.dedent(
    """
    import os, sys
    from game_scheduler.observability.multiprocess import ensure_multiprocess_dir
    ensure_multiprocess_dir("test")
    from game_scheduler.observability import metrics
    child = os.fork()
    if child == 0:
        metrics.reminders_total.labels("sent").inc(2)
        metrics.celery_task_seconds.labels("t", "SUCCESS").observe(0.5)
        os._exit(0)
    os.waitpid(child, 0)
    metrics.reminders_total.labels("sent").inc(1)
    sys.stdout.write(metrics.render().decode())
    """
)


def test_a_forked_childs_counts_reach_the_parents_scrape(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", FORKING], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    samples = parse(result.stdout)
    assert value(samples, "reminders_total", outcome="sent") == 3
    assert value(samples, "celery_task_seconds_count", task="t", state="SUCCESS") == 1
    assert list(tmp_path.iterdir())  # the values went through the shared directory


def test_a_directory_is_made_when_none_is_given_and_kept_when_given(monkeypatch, tmp_path):
    # Set, then removed: monkeypatch restores the variable's absence after the test, so the
    # directory made here does not switch the rest of the session to multiprocess mode.
    monkeypatch.setenv(multiprocess.VARIABLE, "placeholder")
    monkeypatch.delenv(multiprocess.VARIABLE)
    made = multiprocess.ensure_multiprocess_dir("test")
    assert os.path.isdir(made)
    assert os.environ[multiprocess.VARIABLE] == made
    monkeypatch.setenv(multiprocess.VARIABLE, str(tmp_path))
    assert multiprocess.ensure_multiprocess_dir("test") == str(tmp_path)
