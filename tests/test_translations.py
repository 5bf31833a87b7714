"""The catalogues are complete and current, and every page shows no English where a
translation exists, in every language."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from tests.moderation.test_access_matrix import expectations, world  # noqa: F401 - fixture

BASE = Path(settings.BASE_DIR)
CODES = [code for code, _name in settings.LANGUAGES]
LOCALE_DIRS = {code: code.split("-")[0] + ("_Hans" if code == "zh-hans" else "") for code in CODES}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def _catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(BASE / "locale" / LOCALE_DIRS[code] / "LC_MESSAGES" / "django.po"))


def _entries(po: polib.POFile) -> dict:
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())), "fuzzy" in e.flags)
        for e in po
        if not e.obsolete
    }


@pytest.mark.parametrize("code", CODES)
def test_every_message_is_translated_with_its_placeholders_and_plural_forms(code):
    po = _catalogue(code)
    nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        where = repr(entry.msgid[:60])
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy {where}")
        names = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural))
        if entry.msgid_plural:
            if sorted(entry.msgstr_plural) != list(range(nplurals)):
                problems.append(f"{len(entry.msgstr_plural)} plural forms, not {nplurals}: {where}")
            texts = list(entry.msgstr_plural.values())
        else:
            texts = [entry.msgstr]
        for text in texts:
            if not text.strip():
                problems.append(f"untranslated {where}")
            elif entry.msgid_plural:
                # A plural form may leave the number out (Arabic "one", "two"), never add one.
                if not set(PLACEHOLDER.findall(text)) <= names:
                    problems.append(f"unknown placeholder in {where}")
            elif sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(entry.msgid)):
                problems.append(f"placeholders differ in {where}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(entry.msgid)) and TAG.findall(entry.msgid):
                problems.append(f"HTML tags differ in {where}")
    assert not problems, f"{code}: {len(problems)} problems:\n" + "\n".join(problems[:40])


def test_the_portuguese_allauth_screens_are_translated():
    po = polib.pofile(str(BASE / "locale_allauth" / "pt" / "LC_MESSAGES" / "django.po"))
    assert len(po) > 100
    assert not [e.msgid for e in po if "fuzzy" in e.flags or not (e.msgstr or all(e.msgstr_plural.values()))]


def test_makemessages_changes_no_message(tmp_path):
    """`make catalogues` on a copy of the sources leaves every catalogue's messages as they are."""
    for name in ("accounts", "config", "forum", "moderation", "retention", "templates", "locale"):
        shutil.copytree(BASE / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    for name in ("manage.py", "Makefile"):
        shutil.copy(BASE / name, tmp_path / name)
    subprocess.run(["make", "-s", "catalogues", f"VPY={sys.executable}"], cwd=tmp_path, check=True,
                   capture_output=True, env={"PATH": "/usr/bin:/bin", "HEARTH_VAR_DIR": str(tmp_path / "var")})  # fmt: skip
    stale = []
    for code in CODES:
        path = Path("locale") / LOCALE_DIRS[code] / "LC_MESSAGES" / "django.po"
        before, after = _entries(polib.pofile(str(BASE / path))), _entries(polib.pofile(str(tmp_path / path)))
        stale += [f"{code}: new {key[1][:60]!r}" for key in after.keys() - before.keys()]
        stale += [f"{code}: gone {key[1][:60]!r}" for key in before.keys() - after.keys()]
        stale += [f"{code}: changed {key[1][:60]!r}" for key in before.keys() & after.keys() if before[key] != after[key]]
    assert not stale, "run `make catalogues` and translate:\n" + "\n".join(stale[:40])


def _english_messages() -> list[tuple[str, dict[str, str]]]:
    """Return (English text, {language: its translation}) for messages worth looking for.

    Hearth's catalogues and django-allauth's are read; short texts (a word or two, which
    member-written text could hold too) and texts with placeholders are split and their
    longer literal pieces kept.
    """
    allauth = Path(__import__("allauth").__file__).parent / "locale"
    found: dict[str, dict[str, str]] = {}
    for code in CODES:
        if code == "en":
            continue
        catalogues = [_catalogue(code)]
        folder = allauth / LOCALE_DIRS[code] / "LC_MESSAGES" / "django.po"
        if folder.exists():
            catalogues.append(polib.pofile(str(folder)))
        for po in catalogues:
            for entry in po:
                if entry.obsolete or entry.msgid_plural or not entry.msgstr or entry.msgstr == entry.msgid:
                    continue
                for piece in re.split(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}|<[^>]+>", entry.msgid):
                    piece = piece.strip(" .,:;“”\"'()")
                    if len(piece) >= 20 and piece not in entry.msgstr:
                        found.setdefault(piece, {})[code] = entry.msgstr
    return list(found.items())


def _visible_text(html: str) -> str:
    html = re.sub(r"<select name=\"language\".*?</select>", "", html, flags=re.S)  # names in their own language
    # Django stores permission names in English once ("Can add moderation log entry").
    html = re.sub(r"<select name=\"(?:user_)?permissions\".*?</select>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", html.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.django_db
def test_every_page_in_every_language_shows_no_english_where_a_translation_exists(world):  # noqa: F811
    """Every URL of the access matrix, as the admin and as a visitor, in all eleven languages."""
    english = _english_messages()
    clients = {"anonymous": Client()}
    clients["admin"] = Client()
    clients["admin"].force_login(world["users"]["admin"])
    pages = [(role, visit.url) for visits in expectations(world).values() for visit in visits
             for role in clients if visit.data is None and visit.statuses[role] == 200]  # fmt: skip
    assert len(pages) > 40
    leaks = []
    for code in CODES:
        for role, url in pages:
            clients[role].cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
            response = clients[role].get(url, headers={"accept-language": code})
            if not response["Content-Type"].startswith("text/html"):
                continue  # the admin's JavaScript catalogue, a download
            html = response.content.decode()
            assert f'lang="{code}"' in html, f"{url} as {role} is not in {code}"
            if code == "ar":
                assert 'dir="rtl"' in html
            if code == "en":
                continue
            text = _visible_text(html)
            leaks += [f"{code} {url} ({role}): {piece!r}" for piece, by_language in english
                      if code in by_language and piece in text]  # fmt: skip
    assert not leaks, "English left on translated pages:\n" + "\n".join(sorted(set(leaks))[:60])
