"""The English catalogue (locale/en/LC_MESSAGES/django.po): complete, compiled, in step with the source, and used.

The interface speaks Simplified Chinese first; every user-facing string is a Chinese msgid with its English
translation in the .po. These tests fail when a string is added to the source without an English translation,
when a translation drops or invents a placeholder, or when the committed .mo lags behind the .po.
"""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from aid.models import AidGrant
from casework.choices import Role

BASE_DIR = Path(settings.BASE_DIR)
EN_DIR = BASE_DIR / "locale" / "en" / "LC_MESSAGES"
PO_PATH = EN_DIR / "django.po"
MO_PATH = EN_DIR / "django.mo"

# The same scope as the lead's `manage.py makemessages -l en --no-location --ignore=.venv --ignore=bench`.
MAKEMESSAGES_IGNORE = [".venv", "bench"]

PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdifr]|%[sdifr]|%%|\{\w*\}")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text):
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text[1:-1])


def parse_po(path):
    """The active entries of a .po file (obsolete ``#~`` entries and the header left out).

    Each entry is a dict: ``ctx``, ``id``, ``id_plural`` (or None), ``strs`` (list of msgstr / msgstr[n]),
    ``flags`` (set).
    """
    entries = []
    for block in re.split(r"\n\s*\n", Path(path).read_text(encoding="utf-8").strip()):
        entry = {"ctx": None, "id": None, "id_plural": None, "strs": {}, "flags": set()}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line):
                keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
                if keyword.startswith("msgstr"):
                    current = ("strs", int(index or 0))
                    entry["strs"][current[1]] = value
                else:
                    current = ({"msgctxt": "ctx", "msgid": "id", "msgid_plural": "id_plural"}[keyword],)
                    entry[current[0]] = value
            elif line.startswith('"') and current:
                if current[0] == "strs":
                    entry["strs"][current[1]] += _unquote(line)
                else:
                    entry[current[0]] += _unquote(line)
            else:
                raise AssertionError(f"{path}: cannot parse line {line!r}")
        if entry["id"]:  # skips the header (msgid "") and blocks made only of comments / obsolete entries
            entry["strs"] = [entry["strs"][i] for i in sorted(entry["strs"])]
            entries.append(entry)
    return entries


def _key(entry):
    return (entry["ctx"], entry["id"])


def _label(entry):
    return f"{entry['ctx']}|{entry['id']}" if entry["ctx"] else entry["id"]


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def test_every_entry_is_translated_without_fuzzy_and_keeps_its_placeholders():
    entries = parse_po(PO_PATH)
    assert len(entries) > 500, "the English catalogue looks truncated"
    problems = []
    for entry in entries:
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {_label(entry)}")
        if not entry["strs"] or not all(s.strip() for s in entry["strs"]):
            problems.append(f"untranslated: {_label(entry)}")
            continue
        if entry["id_plural"] is None:
            if _placeholders(entry["strs"][0]) != _placeholders(entry["id"]):
                problems.append(f"placeholders differ: {entry['id']!r} -> {entry['strs'][0]!r}")
        else:
            expected = set(_placeholders(entry["id"])) | set(_placeholders(entry["id_plural"]))
            for form in entry["strs"]:
                if set(_placeholders(form)) != expected:
                    problems.append(f"placeholders differ: {entry['id']!r} -> {form!r}")
    assert not problems, "\n".join(problems)


def _catalog(mo_path):
    with open(mo_path, "rb") as fp:
        return dict(gettext.GNUTranslations(fp)._catalog)


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext's msgfmt is not installed")
def test_committed_mo_is_compiled_from_the_current_po(tmp_path):
    fresh = tmp_path / "django.mo"
    command = [shutil.which("msgfmt"), "--check", "-o", str(fresh), str(PO_PATH)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  (gettext on our .po)
    assert result.returncode == 0, result.stderr
    committed, expected = _catalog(MO_PATH), _catalog(fresh)
    stale = sorted(str(k) for k in expected.keys() ^ committed.keys())[:20]
    changed = sorted(str(k) for k in expected.keys() & committed.keys() if expected[k] != committed[k])[:20]
    assert committed == expected, (
        "locale/en/LC_MESSAGES/django.mo is out of date; run "
        "`msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po`.\n"
        f"missing or extra: {stale}\nchanged: {changed}"
    )


def _copy_source(destination):
    """The project as makemessages sees it, without the virtualenv, the benchmarks, data files and the locale dir."""

    def skip(directory, names):
        return [
            name
            for name in names
            if name.startswith(".")
            or name in ("bench", "locale", "__pycache__", "test-artifacts")
            or name.endswith((".sqlite3", ".pyc"))
        ]

    shutil.copytree(BASE_DIR, destination, ignore=skip, symlinks=True)


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext's xgettext is not installed")
def test_every_translatable_string_in_the_source_is_in_the_catalogue(tmp_path, monkeypatch):
    """makemessages on a copy of the project: a string added to the source without a translation fails here.

    makemessages writes next to the files it scans (into the first ``locale`` dir that encloses them, else the
    first of LOCALE_PATHS), so it runs in a copy of the source with a copy of the .po, never touching the
    project's own locale dir.
    """
    project = tmp_path / "project"
    _copy_source(project)
    locale_dir = project / "locale"
    (locale_dir / "en" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO_PATH, locale_dir / "en" / "LC_MESSAGES" / "django.po")
    monkeypatch.chdir(project)
    with override_settings(LOCALE_PATHS=[str(locale_dir)]):
        call_command("makemessages", locale=["en"], no_location=True, ignore_patterns=MAKEMESSAGES_IGNORE, verbosity=0)
    assert not (locale_dir / "django.pot").exists()  # makemessages cleans up its template

    regenerated = {_key(e): e for e in parse_po(locale_dir / "en" / "LC_MESSAGES" / "django.po")}
    committed = {_key(e): e for e in parse_po(PO_PATH)}
    assert len(regenerated) > 500, "makemessages found hardly any strings; is it scanning the right tree?"

    missing = sorted(_label(e) for k, e in regenerated.items() if k not in committed)
    untranslated = sorted(
        _label(e) for e in regenerated.values() if "fuzzy" in e["flags"] or not all(s.strip() for s in e["strs"])
    )
    unused = sorted(_label(e) for k, e in committed.items() if k not in regenerated)
    assert not missing and not untranslated, (
        "strings in the source without an English translation; run "
        "`manage.py makemessages -l en --no-location --ignore=.venv --ignore=bench`, translate them in "
        "locale/en/LC_MESSAGES/django.po and compile the .mo:\n" + "\n".join(missing or untranslated)
    )
    assert not unused, "entries in the .po that the source no longer uses; rerun makemessages:\n" + "\n".join(unused)


@pytest.fixture
def english_worker(tree, make_user, client):
    user = make_user(tree.city_a, Role.CASEWORKER, username="wang")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override(settings.LANGUAGE_CODE):  # undo what LocaleMiddleware activates in this thread
        yield user


def test_home_page_in_english(english_worker, client):
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    for english in (
        "Hardship worker assistance",  # title and brand
        "Applications awaiting review",  # section heading
        "Return deadlines",
        "Households on file",  # a tile
        "Log out",
        "Annual review",  # the navigation
    ):
        assert english in page, english
    for chinese in ("待审核的申请", "报表报送期限", "退出登录", "困难职工帮扶管理"):
        assert chinese not in page, chinese


def test_record_list_and_form_in_english(english_worker, client):
    listing = client.get(reverse("grants-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Student-aid grants</h1>" in listing  # the model's verbose_name_plural
    assert "Granted on" in listing and "Reporting organisation" in listing  # column headings
    assert "发放日期" not in listing and "助学款" not in listing

    form = client.get(reverse("grants-create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"<label[^>]*>\s*Granted on", form), "the form's date label is not English"
    assert re.search(r"<label[^>]*>\s*Amount \(yuan\)", form)
    assert "发放日期" not in form and "金额（元）" not in form


def test_model_names_are_singular_on_a_create_page_and_plural_on_a_list(english_worker, client):
    """Chinese has one word for both; verbose_name_plural is the msgid with context "plural", so English can differ."""
    form = client.get(reverse("grants-create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>New Student-aid grant</h1>" in form  # 新增%(label)s with the model's verbose_name
    assert "<title>New Student-aid grant</title>" in form

    listing = client.get(reverse("grants-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Student-aid grants</h1>" in listing
    assert "<title>Student-aid grants" in listing

    with translation.override("en"):
        assert str(AidGrant._meta.verbose_name) == "Student-aid grant"
        assert str(AidGrant._meta.verbose_name_plural) == "Student-aid grants"
    with translation.override("zh-hans"):
        assert str(AidGrant._meta.verbose_name) == str(AidGrant._meta.verbose_name_plural) == "助学款"


def test_every_model_with_one_chinese_name_has_a_distinct_english_plural():
    """A model whose verbose_name and verbose_name_plural share the Chinese word reads differently in English."""
    ours = [config for config in apps.get_app_configs() if Path(config.path).parent == BASE_DIR]
    models = [model for config in ours for model in config.get_models()]
    assert len(models) > 20, "the project's models were not found"
    same = []
    for model in models:
        opts = model._meta
        with translation.override(settings.LANGUAGE_CODE):
            chinese = (str(opts.verbose_name), str(opts.verbose_name_plural))
        with translation.override("en"):
            english = (str(opts.verbose_name), str(opts.verbose_name_plural))
        if chinese[0] == chinese[1] and english[0] == english[1]:
            same.append(f"{opts.label}: {chinese[0]} -> {english[0]}")
    assert not same, "give verbose_name_plural pgettext_lazy('plural', ...):\n" + "\n".join(same)


def test_the_same_pages_stay_chinese_by_default(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.CASEWORKER, username="li"))
    with translation.override(settings.LANGUAGE_CODE):
        page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "待审核的申请" in page and "Applications awaiting review" not in page
