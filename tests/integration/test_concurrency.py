"""Two sessions of one server: searching goes on while another session adds a document."""

from __future__ import annotations

import shutil
import threading

import pytest

from app.corpus import add_files
from app.engine import Engine
from app.search import search
from app.settings import Settings
from tests.sample_plans import PINGJIANG

pytestmark = pytest.mark.integration


def test_searches_keep_working_while_another_session_uploads(seed_index, e5, tmp_path):
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus")
    shutil.copytree(seed_index.index_dir, settings.index_dir)
    shutil.copytree(seed_index.corpus_dir, settings.corpus_dir)
    engine = Engine.open(settings, e5)
    errors: list[BaseException] = []
    answers: list[int] = []
    done = threading.Event()

    def keep_searching() -> None:
        try:
            while not done.is_set():
                engine.refresh()
                answers.append(len(search(engine, "崇阳县2020年教师招聘目标是多少？").hits))
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)

    reader = threading.Thread(target=keep_searching)
    reader.start()
    upload = tmp_path / "upload" / "pingjiang_2016_extra.txt"
    upload.parent.mkdir()
    upload.write_text(PINGJIANG, encoding="utf-8")
    try:
        report = add_files(settings, e5, [upload])
        engine.refresh()
    finally:
        done.set()
        reader.join(timeout=60)
    assert not errors, errors
    assert report.result.added == ("pingjiang_2016_extra.txt",)
    assert answers and all(n > 0 for n in answers)
    names = {d.file_name for d in engine.index.documents()}
    assert "pingjiang_2016_extra.txt" in names
