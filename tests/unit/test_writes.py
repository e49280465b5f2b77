"""The write protocol's recovery: what a crash at each step leaves, and what the next writer
makes of it (the index's answer is given; the kill tests run it for real)."""

from __future__ import annotations

import errno
import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from app.writes import JOURNAL, STAGING, Intent, apply, recover, staging


def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "old.txt").write_text("old plan", encoding="utf-8")
    (folder / "old.txt.meta.json").write_text("{}", encoding="utf-8")
    return folder


def staged_write(folder: Path, intents: list[Intent], journal: bool = True) -> Path:
    """A staging folder as a write leaves it when killed after staging (and journaling)."""
    stage = folder / STAGING / "123-abcd"
    stage.mkdir(parents=True)
    for intent in intents:
        if intent.file:
            (stage / intent.file).write_text(f"new {intent.name}", encoding="utf-8")
    if journal:
        (stage / JOURNAL).write_text(json.dumps([asdict(i) for i in intents]), encoding="utf-8")
    return stage


def nothing_staged(folder: Path) -> bool:
    return not (folder / STAGING).exists() and not list(folder.glob(".*"))


def never_read(path: Path, name: str) -> str:
    raise AssertionError("only a copy without a journal is read")


ADD = Intent("add", "new.txt", "id-new", "0.txt")
REPLACE = Intent("add", "old.txt", "id-changed", "1.txt")
REMOVE = Intent("remove", "old.txt", "id-old")


@pytest.mark.parametrize("journal", [False, True])
def test_a_write_killed_before_its_commit_is_rolled_back(tmp_path: Path, journal: bool) -> None:
    folder = corpus(tmp_path)
    staged_write(folder, [ADD, REPLACE], journal)
    live = {"old.txt": "id-old"}  # the index never switched

    assert recover(folder, live.get, never_read) == []

    assert sorted(p.name for p in folder.iterdir()) == ["old.txt", "old.txt.meta.json"]
    assert (folder / "old.txt").read_text(encoding="utf-8") == "old plan"
    assert nothing_staged(folder)


def test_an_add_killed_after_its_commit_is_finished(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    staged_write(folder, [ADD, REPLACE])
    live = {"old.txt": "id-changed", "new.txt": "id-new"}  # the index switched

    assert recover(folder, live.get, never_read) == ["new.txt", "old.txt"]

    assert (folder / "new.txt").read_text(encoding="utf-8") == "new new.txt"
    assert (folder / "old.txt").read_text(encoding="utf-8") == "new old.txt"
    assert nothing_staged(folder)


def test_a_recovery_killed_half_way_is_finished_by_the_next(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    stage = staged_write(folder, [ADD, REPLACE])
    (stage / "0.txt").replace(folder / "new.txt")  # the first move was done
    live = {"old.txt": "id-changed", "new.txt": "id-new"}

    recover(folder, live.get, never_read)

    assert (folder / "new.txt").read_text(encoding="utf-8") == "new new.txt"
    assert (folder / "old.txt").read_text(encoding="utf-8") == "new old.txt"
    assert nothing_staged(folder)


@pytest.mark.parametrize(("committed", "kept"), [(False, True), (True, False)])
def test_a_remove_is_finished_only_when_the_index_dropped_the_document(
    tmp_path: Path, committed: bool, kept: bool
) -> None:
    folder = corpus(tmp_path)
    staged_write(folder, [REMOVE])
    live = {} if committed else {"old.txt": "id-old"}

    recover(folder, live.get, never_read)

    assert (folder / "old.txt").exists() is kept
    assert (folder / "old.txt.meta.json").exists() is kept  # the sidecar goes with it
    assert nothing_staged(folder)


def test_a_copy_staged_before_the_journal_existed_is_kept_only_if_the_index_holds_it(
    tmp_path: Path,
) -> None:
    folder = corpus(tmp_path)
    (folder / ".lost.txt.adding").write_text("committed", encoding="utf-8")
    (folder / ".half.txt.adding").write_text("partial", encoding="utf-8")
    live = {"old.txt": "id-old", "lost.txt": "id-committed", "half.txt": "id-other"}

    def read_id(path: Path, name: str) -> str:
        return {"committed": "id-committed"}.get(path.read_text(encoding="utf-8"), "id-?")

    assert recover(folder, live.get, read_id) == ["lost.txt"]

    assert (folder / "lost.txt").read_text(encoding="utf-8") == "committed"
    assert not (folder / "half.txt").exists()
    assert nothing_staged(folder)


def test_a_write_that_fails_after_its_commit_leaves_its_journal_for_the_next(
    tmp_path: Path,
) -> None:
    folder = corpus(tmp_path)
    source = tmp_path / "new.txt"
    source.write_text("new plan", encoding="utf-8")

    with pytest.raises(OSError), staging(folder) as stage:
        stage.add(stage.stage(source), "new.txt", "id-new")
        stage.commit(lambda: None)  # the index switched
        raise OSError("the disk failed while the corpus was being updated")

    assert list((folder / STAGING).iterdir())  # kept: the index holds what it staged
    recover(folder, {"old.txt": "id-old", "new.txt": "id-new"}.get, never_read)
    assert (folder / "new.txt").read_text(encoding="utf-8") == "new plan"
    assert nothing_staged(folder)


def test_a_write_that_fails_before_its_commit_leaves_nothing(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    source = tmp_path / "new.txt"
    source.write_text("new plan", encoding="utf-8")

    with pytest.raises(RuntimeError), staging(folder) as stage:
        stage.add(stage.stage(source), "new.txt", "id-new")
        raise RuntimeError("embedding failed")

    assert nothing_staged(folder)
    assert not (folder / "new.txt").exists()


def test_applying_twice_is_applying_once(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    stage = staged_write(folder, [ADD, REMOVE])

    apply(folder, stage, [ADD, REMOVE])
    apply(folder, stage, [ADD, REMOVE])

    assert sorted(p.name for p in folder.iterdir()) == [STAGING, "new.txt"]


def test_a_full_disk_while_staging_refuses_that_file_and_adds_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.corpus import add_files
    from app.settings import Settings
    from tests.fakes import FakeEmbedder
    from tests.sample_plans import CHONGYANG, HUAIHUA

    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus")
    full, fits = tmp_path / "full.txt", tmp_path / "fits.txt"
    full.write_text(CHONGYANG, encoding="utf-8")
    fits.write_text(HUAIHUA, encoding="utf-8")
    real_copy = shutil.copyfile

    def copy(source, target):
        if Path(source).name == "full.txt":
            Path(target).write_bytes(b"half")  # part of it made it before the disk filled
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_copy(source, target)

    monkeypatch.setattr("app.writes.shutil.copyfile", copy)
    report = add_files(settings, FakeEmbedder(), [full, fits])

    (refusal,) = report.refused
    assert refusal.reason == "cannot copy it into the corpus folder: No space left on device"
    assert report.result.added == ("fits.txt",)
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["fits.txt"]
