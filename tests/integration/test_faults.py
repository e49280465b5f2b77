"""The write protocol under fire: a real `eduqa add` or `eduqa remove` process killed (SIGKILL)
at each step of the protocol, then the next writer (`eduqa build`); two adds of one name at
once. Afterwards the corpus folder and the index must agree, what the index committed must be
in the corpus, and no staging copy may remain anywhere."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app.corpus import corpus_files
from index.faults import CRASH_AT
from index.generations import CURRENT, live_generation
from tests.filemakers import make_docx, make_text_file
from tests.sample_plans import CHONGYANG, HUAIHUA, PINGJIANG

pytestmark = pytest.mark.integration

EDUQA = [sys.executable, "-c", "from app.cli import main; main()"]
# the protocol's steps in order (`app/writes.py`, `index/generations.py`); the index is
# committed once CURRENT names the new generation, i.e. after "renamed"
STEPS = ("staged", "journaled", "renamed", "switched", "moved")
COMMITTED = ("switched", "moved")
CHANGED = PINGJIANG.replace("招聘新教师120人", "招聘新教师150人")


def eduqa(*args: object, crash: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != CRASH_AT}
    if crash:
        env[CRASH_AT] = crash
    return subprocess.run(
        [*EDUQA, *map(str, args)], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("faults")
    corpus, index = base / "corpus", base / "index"
    corpus.mkdir()
    make_text_file(corpus / "pingjiang.txt", PINGJIANG)
    make_text_file(corpus / "huaihua.txt", HUAIHUA)
    done = eduqa("build", "--corpus", corpus, "--index", index)
    assert done.returncode == 0, done.stderr
    return corpus, index


@pytest.fixture
def built(two_plans: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the two-plan corpus and index (where EDUQA_CORPUS/INDEX point)."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(two_plans[0], corpus)
    shutil.copytree(two_plans[1], index)
    return corpus, index


def indexed(index: Path) -> dict[str, str]:
    """File name → cleaned text of every document the live index holds."""
    from index.reader import Index

    opened = Index.open(index)
    try:
        return {d.file_name: opened.document_text(d.doc_id) for d in opened.documents()}
    finally:
        opened.close()


def assert_agree(corpus: Path, index: Path) -> dict[str, str]:
    """Corpus files and indexed documents are the same names; nothing staged or half-written
    is left in either. Returns what the index holds."""
    held = indexed(index)
    assert sorted(p.name for p in corpus_files(corpus)) == sorted(held)
    leftovers = [p.name for p in corpus.iterdir() if p.name.startswith(".")]
    assert leftovers == [], leftovers
    live = live_generation(index)
    assert not (index / f"{CURRENT}.tmp").exists()
    assert all(g.name <= live.name for g in index.glob("gen-*")), list(index.glob("gen-*"))
    assert not list(index.glob(".tmp-*"))
    return held


def crash_and_recover(built: tuple[Path, Path], *args: object, step: str) -> dict[str, str]:
    """Run an eduqa write killed at `step`, check readers still work, then run the next
    writer; returns what the index holds once corpus and index agree again."""
    crashed = eduqa(*args, crash=step)
    assert crashed.returncode == -signal.SIGKILL, (crashed.returncode, crashed.stderr)
    shown = eduqa("docs")
    assert shown.returncode == 0, shown.stderr  # readers carry on meanwhile
    done = eduqa("build")
    assert done.returncode == 0, done.stderr
    return assert_agree(*built)


@pytest.mark.parametrize("step", STEPS)
def test_an_add_killed_at_any_step_is_finished_or_undone_by_the_next_writer(
    built: tuple[Path, Path], tmp_path: Path, step: str
) -> None:
    new = make_text_file(tmp_path / "chongyang.txt", CHONGYANG)

    held = crash_and_recover(built, "add", new, step=step)

    committed = step in COMMITTED
    assert ("chongyang.txt" in held) is committed
    if committed:
        assert (built[0] / "chongyang.txt").read_bytes() == new.read_bytes()


@pytest.mark.parametrize("step", ("journaled", "switched", "moved"))
def test_a_replace_killed_keeps_the_old_content_before_its_commit_and_the_new_after(
    built: tuple[Path, Path], tmp_path: Path, step: str
) -> None:
    changed = make_text_file(tmp_path / "pingjiang.txt", CHANGED)

    held = crash_and_recover(built, "add", changed, step=step)

    committed = step in COMMITTED
    assert ("招聘新教师150人" in held["pingjiang.txt"]) is committed
    assert ("150人" in (built[0] / "pingjiang.txt").read_text(encoding="utf-8")) is committed


@pytest.mark.parametrize("step", ("staged", "journaled", "renamed", "switched"))
def test_a_remove_killed_at_any_step_is_finished_or_undone_by_the_next_writer(
    built: tuple[Path, Path], step: str
) -> None:
    corpus = built[0]
    (corpus / "huaihua.txt.meta.json").write_text('{"year": 2019}', encoding="utf-8")

    held = crash_and_recover(built, "remove", "huaihua", step=step)

    gone = step in COMMITTED
    assert ("huaihua.txt" in held) is not gone
    assert (corpus / "huaihua.txt.meta.json").exists() is not gone


def test_two_adds_of_one_name_at_once_both_succeed_and_leave_one_of_them(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, index = built
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = make_text_file(tmp_path / "a" / "chongyang.txt", CHONGYANG)
    second = make_text_file(tmp_path / "b" / "chongyang.txt", CHONGYANG.replace("200人", "210人"))
    env = {k: v for k, v in os.environ.items() if k != CRASH_AT}
    runs = [
        subprocess.Popen([*EDUQA, "add", str(f)], env=env, stderr=subprocess.PIPE, text=True)
        for f in (first, second)
    ]
    errors = [r.communicate(timeout=300)[1] for r in runs]

    assert [r.returncode for r in runs] == [0, 0], errors
    held = assert_agree(corpus, index)
    kept = (corpus / "chongyang.txt").read_bytes()
    assert kept in (first.read_bytes(), second.read_bytes())
    assert ("210人" in held["chongyang.txt"]) is (kept == second.read_bytes())


def test_a_staging_copy_left_by_an_older_version_is_restored_or_removed(
    built: tuple[Path, Path],
) -> None:
    corpus, index = built
    # the data loss of writes before the protocol: the index committed, the move never ran
    (corpus / "pingjiang.txt").rename(corpus / ".pingjiang.txt.adding")
    (corpus / ".partial.txt.adding").write_bytes(PINGJIANG.encode()[:100])

    done = eduqa("build")

    assert done.returncode == 0, done.stderr
    held = assert_agree(corpus, index)
    assert "pingjiang.txt" in held  # restored, not removed as gone
    assert (corpus / "pingjiang.txt").read_text(encoding="utf-8") == PINGJIANG


LONG_NAME = "计划" * 40 + "a" * 2 + ".txt"  # 246 bytes: a legal file, but no room for its sidecar


def test_a_name_too_long_for_its_sidecar_is_refused_at_add_and_the_rest_is_added(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, index = built
    long = make_text_file(tmp_path / LONG_NAME, CHONGYANG)
    other = make_text_file(tmp_path / "youxian.txt", CHONGYANG.replace("崇阳县", "攸县"))

    done = eduqa("add", long, other)

    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: 计划计划") and "246 bytes; names up to 245 bytes" in line
    assert "youxian.txt" in assert_agree(corpus, index)


def test_build_skips_a_name_too_long_for_its_sidecar_indexes_the_rest_and_fails(
    built: tuple[Path, Path],
) -> None:
    corpus, index = built
    make_text_file(corpus / LONG_NAME, CHONGYANG)
    make_text_file(corpus / "youxian.txt", CHONGYANG.replace("崇阳县", "攸县"))

    done = eduqa("build")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "246 bytes" in done.stderr
    held = indexed(index)
    assert sorted(held) == ["huaihua.txt", "pingjiang.txt", "youxian.txt"]


def test_an_upload_with_a_name_too_long_to_write_is_refused_and_the_batch_goes_on(
    built: tuple[Path, Path], e5
) -> None:
    from app.settings import load_settings
    from app.uploads import add_uploads

    corpus, index = built
    other = CHONGYANG.replace("崇阳县", "攸县").encode()
    files = [("计" * 300 + ".txt", CHONGYANG.encode()), ("youxian.txt", other)]

    report = add_uploads(load_settings(), e5, files)

    (refusal,) = report.refused
    assert "904 bytes" in refusal.reason
    assert report.result.added == ("youxian.txt",)
    assert_agree(corpus, index)


def test_hostile_files_are_refused_one_line_each_and_the_index_is_unchanged(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, index = built
    bomb = make_docx(tmp_path / "bomb.docx", ["全年招聘教师200人。"])
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as package,
        package.open("word/bomb.xml", "w") as part,
    ):
        for _ in range(2):
            part.write(bytes(2**20))  # 2 MB of zeros, deflated about 1000 to 1
    marks = make_text_file(tmp_path / "marks.txt", "。，、；：“”？！" * 50)
    cut = tmp_path / "cut.txt"
    cut.write_bytes(CHONGYANG.encode()[:-2])
    before = ((index / CURRENT).read_text(), sorted(p.name for p in corpus.iterdir()))

    done = eduqa("add", bomb, marks, cut)

    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert [line.split(": ", 2)[1] for line in lines] == [str(bomb), str(marks), str(cut)]
    assert "(a zip bomb?)" in lines[0]
    assert "too little text to be a plan" in lines[1]
    assert "cut short" in lines[2]
    assert ((index / CURRENT).read_text(), sorted(p.name for p in corpus.iterdir())) == before
