"""Every error a user can meet on the command line is one line naming what and why; `--debug`
keeps the traceback."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app import corpus as corpus_ops
from app.cli import cli
from tests.fakes import FakeEmbedder

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus_ops, "load_model", lambda settings: FakeEmbedder())


def one_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


def test_a_missing_file_given_to_add_is_named_with_the_reason(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "plan.txt"

    line = one_line(runner.invoke(cli, ["add", str(missing)]))

    assert line == f"error: {missing}: No such file or directory"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PermissionError(errno.EACCES, "Permission denied", "/srv/index/gen-000002"),
         "error: /srv/index/gen-000002: Permission denied"),
        (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "error: eduqa: No space left on device"),
        (sqlite3.OperationalError("attempt to write a readonly database"),
         "error: the index database: attempt to write a readonly database"),
        (shutil.Error([("/srv/corpus/a.txt", "/srv/b/a.txt", "[Errno 28] No space left")]),
         "error: /srv/corpus/a.txt: [Errno 28] No space left"),
    ],
    ids=["permission", "disk-full", "sqlite-readonly", "copy-failed"],
)  # fmt: skip
def test_system_errors_are_one_line_and_debug_keeps_the_traceback(
    monkeypatch: pytest.MonkeyPatch, error: Exception, expected: str
) -> None:
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(corpus_ops, "build", fail)

    assert one_line(runner.invoke(cli, ["build"])) == expected
    debug = runner.invoke(cli, ["--debug", "build"])
    assert debug.exception is error


def test_the_upload_size_limit_holds_for_the_command_line_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDUQA_MAX_UPLOAD_MB", "1")
    big = tmp_path / "big.txt"
    big.write_text("全年招聘教师200人。" * 200_000, encoding="utf-8")

    line = one_line(runner.invoke(cli, ["add", str(big)]))

    assert line == f"error: {big}: file is 5.1 MB; the limit is 1 MB"
    assert list((tmp_path / "corpus").iterdir()) == []


def test_a_corpus_folder_turned_read_only_after_the_commit_fails_in_one_line_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import writes
    from tests.sample_plans import CHONGYANG

    corpus = tmp_path / "corpus"  # where EDUQA_CORPUS points
    plan = tmp_path / "chongyang.txt"
    plan.write_text(CHONGYANG, encoding="utf-8")
    real_replace = os.replace

    def read_only(source, target):
        if Path(target).parent == corpus:
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(writes.os, "replace", read_only)
    line = one_line(runner.invoke(cli, ["add", str(plan)]))
    monkeypatch.setattr(writes.os, "replace", real_replace)  # the folder is writable again

    assert line == f"error: {corpus / 'chongyang.txt'}: Permission denied"
    assert "chongyang.txt" in runner.invoke(cli, ["docs"]).stdout  # the index committed it
    assert runner.invoke(cli, ["build"]).exit_code == 0  # the next writer applies the journal
    assert (corpus / "chongyang.txt").read_text(encoding="utf-8") == CHONGYANG
    assert sorted(p.name for p in corpus.iterdir()) == ["chongyang.txt"]
