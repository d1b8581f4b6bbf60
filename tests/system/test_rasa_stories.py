"""Rasa's own checks of the dialogue: the end-to-end test stories in tests/stories/ against the
trained model (`rasa test core`), and `rasa data validate` on the training data.

Custom actions do not run in `rasa test`; the stories state the slot events they would produce
(see the header of tests/stories/test_stories.yml). Every action must be the one the policies
predict after the story's intents. How well the NLU classifies the texts is measured on
held-out data by `make eval-nlu` (scripts/eval_nlu.py) rather than asserted here, so that a
retrained model that moves one borderline sentence does not fail the build.
"""
from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from devtools.stack import RASA_BIN, rasa_env, trained_model
from mukaan.settings import ROOT

STORIES = ROOT / "tests" / "stories"
LANGS = ("fi", "sv", "en")
MIN_PER_LANG = 12


def _stories() -> list[dict]:
    stories = []
    for path in sorted(STORIES.glob("*.yml")):
        stories += yaml.safe_load(path.read_text(encoding="utf-8")).get("stories") or []
    return stories


def _rasa(*args: str, timeout: float) -> subprocess.CompletedProcess:
    if not RASA_BIN.exists():
        pytest.fail(f"Rasa is not installed at {RASA_BIN}")
    return subprocess.run([str(RASA_BIN), *args], cwd=ROOT, env=rasa_env(), capture_output=True,
                          text=True, timeout=timeout)


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def test_story_file_covers_every_language():
    """Cheap structural check (no Rasa needed): enough stories per language, each starting with
    a user message that has both a text and an intent."""
    stories = _stories()
    counts = {lang: sum(s["story"].split()[0] == lang for s in stories) for lang in LANGS}
    assert all(n >= MIN_PER_LANG for n in counts.values()), counts
    assert sum(counts.values()) == len(stories), "every story name starts with fi, sv or en"
    names = [s["story"] for s in stories]
    assert len(names) == len(set(names)), "story names must be unique"
    for story in stories:
        users = [step for step in story["steps"] if "user" in step]
        assert users and all(step.get("intent") and step["user"].strip() for step in users), story["story"]


@pytest.mark.e2e
def test_every_test_story_passes(tmp_path):
    model = trained_model()
    if not model.exists():
        pytest.fail(f"No trained Rasa model for the current bot/ and nlu_data/ ({model.name}): run `make train`")
    expected = len(_stories())
    # Without --fail-on-prediction-errors Rasa evaluates every story and writes all the failed
    # ones to failed_test_stories.yml, with the prediction next to each wrong step.
    result = _rasa("test", "core", "--stories", str(STORIES.relative_to(ROOT)), "--model", str(model),
                   "--out", str(tmp_path), "--no-plot", "--successes", timeout=1200)
    assert result.returncode == 0, _tail(result.stdout + result.stderr)
    report = json.loads((tmp_path / "story_report.json").read_text())["conversation_accuracy"]
    failed = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert report["total"] == expected, f"Rasa evaluated {report['total']} of {expected} stories"
    assert report["correct"] == report["total"], (
        f"{report['total'] - report['correct']} of {report['total']} test stories failed "
        f"(`# predicted:` marks each wrong step):\n\n{failed}")


@pytest.mark.e2e
def test_training_data_validates():
    result = _rasa("data", "validate", "--domain", "bot/domain.yml", "--data", "nlu_data", "bot/data",
                   "--config", "bot/config.yml", timeout=600)
    assert result.returncode == 0, _tail(result.stdout + result.stderr, 60)
