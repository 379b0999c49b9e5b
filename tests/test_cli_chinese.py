"""In Chinese, the command line says nothing in English: its help, argparse's own words,
refusals of bad values, the users list, what was recorded, the report tables. Allowed in
Latin letters: ids (users, sections, indicators), command and option names, the names of
formats and programs (tests/test_catalogue.py lists them), numbers and dates."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator

import pytest

from tests.conftest import jixiao
from tests.test_catalogue import english_words
from tui.cli.main import build_parser

ZH = {"JIXIAO_LANG": "zh"}


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    names: set[str] = set()
    for action in parser._actions:
        names.update(action.option_strings)
        names.update(str(c) for c in action.choices or ())
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                names |= _command_names(sub)
    return names


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, set[str]]]:
    """A ledger made by the command line, and the words allowed in its output (ids, commands)."""
    db = str(tmp_path_factory.mktemp("zh") / "ledger.db")
    assert jixiao("init", "--example", db=db).returncode == 0
    users = json.loads(jixiao("users", "list", "--format", "json", db=db).stdout)
    plan = json.loads(jixiao("plan", "show", "--format", "json", db=db).stdout)
    ids = {u["id"] for u in users} | {u["section"] for u in users if u["section"]}
    ids |= {account for u in users for account in u["accounts"]}
    ids |= set(re.findall(r'"id": "([^"]+)"', json.dumps(plan)))
    words = {w for name in ids | _command_names(build_parser()) for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", name)}
    yield db, words | {"sha256", "UTC"}


def said(cli: tuple[str, set[str]], *args: str, status: int = 0) -> str:
    db, allowed = cli
    result = jixiao(*args, db=db, env=ZH)
    assert result.returncode == status, (result.stdout, result.stderr)
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    text = re.sub(r"'[^']*'", " ", text)  # a value as typed, quoted back
    english = [w for w in english_words(text) if w not in allowed and w not in args]  # or shown as typed
    assert not english, (english, text)
    return text


@pytest.mark.parametrize("args", [["--help"], ["record", "--help"], ["record", "progress", "--help"],
                                  ["users", "--help"], ["report", "--help"], ["internal", "--help"],
                                  ["plan", "--help"], ["record"], ["users"]])
def test_help_and_usage_are_in_chinese(cli: tuple[str, set[str]], args: list[str]) -> None:
    text = said(cli, *args, status=0 if "--help" in args else 2)
    assert "用法：jixiao" in text


@pytest.mark.parametrize("args, status, words", [
    (["--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3", "--percent", "60",
      "--effective", "2021-13-01"], 1, "日期格式有误"),
    (["--as", "yujunwei", "record", "bonus", "abc", "--reason", "加分"], 1, "不是数字"),
    (["--as", "yujunwei", "record", "bonus", "0.005", "--reason", "加分"], 1, "最多两位小数"),
    (["record", "tier", "K04.1", "--tier", "一档", "--reason", "复核"], 1, "（角色 管理员）无权执行 定档"),
    (["record", "void", "abc"], 2, "参数 位置：值有误"),
    (["--as", "yijiepin", "record", "progress", "K04.1", "--percent", "sixty"], 2, "参数 --percent：值有误"),
    (["report", "nosuch"], 2, "无效的选择"),
    (["nosuch"], 2, "无效的选择"),
])
def test_refusals_are_in_chinese(cli: tuple[str, set[str]], args: list[str], status: int, words: str) -> None:
    assert words in said(cli, *args, status=status)


def test_what_was_recorded_is_said_in_words(cli: tuple[str, set[str]]) -> None:
    text = said(cli, "--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3", "--percent", "60",
                "--note", "完成申报")
    assert re.fullmatch(r"#\d+ 进度报告 · 易婕频（承办人）· 2021-09-30\n", text), text
    assert "设定奖金总额 · 余君伟（领导小组）" in said(cli, "--as", "yujunwei", "internal", "pool", "100")
    assert "内容与当前奖金总额相同" in said(cli, "--as", "yujunwei", "internal", "pool", "100", status=1)


def test_the_users_list_is_in_chinese(cli: tuple[str, set[str]]) -> None:
    text = said(cli, "users", "list")
    assert text.split()[:7] == ["账号", "姓名", "角色", "股室", "职务", "密钥数", "系统账户"]
    assert "承办人" in text


@pytest.mark.parametrize("args", [["report", "standings"], ["report", "quarterly", "--section", "center",
                                                                "--period", "Q3"],
                                  ["report", "deadlines"], ["report", "ledger", "--indicator", "K04.1"]])
def test_report_tables_are_in_chinese(cli: tuple[str, set[str]], args: list[str]) -> None:
    said(cli, *args)


def test_english_is_kept_for_english(cli: tuple[str, set[str]]) -> None:
    db, _ = cli
    result = jixiao("--lang", "en", "record", "void", "abc", db=db)
    assert "usage: jixiao record correction" in result.stderr and "invalid int value: 'abc'" in result.stderr
