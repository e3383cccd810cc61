"""The Linux desktop files in packaging/linux/ are well-formed and agree with each other."""

from __future__ import annotations

import configparser
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import planner

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.drplanner.DRPlanner"
MIME = "application/x-drplanner"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    assert parser.sections()[0] == "Desktop Entry"
    return parser["Desktop Entry"]


def mime_types() -> list[ET.Element]:
    root = ET.parse(LINUX / "drplanner-mime.xml").getroot()
    assert root.tag == f"{MIME_NS}mime-info"
    return root.findall(f"{MIME_NS}mime-type")


def metainfo() -> ET.Element:
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component"
    assert root.get("type") == "desktop-application"
    return root


def list_value(text: str) -> list[str]:
    assert text.endswith(";"), f"list values end with ';': {text!r}"
    return [part for part in text.split(";") if part]


def test_desktop_entry_is_a_launchable_application() -> None:
    entry = desktop_entry()
    for key in ("Type", "Name", "Exec", "Icon", "Categories", "MimeType"):
        assert entry.get(key), f"{key} is missing"
    assert entry["Type"] == "Application"
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == APP_ID
    assert list_value(entry["MimeType"]) == [MIME]
    assert list_value(entry["Categories"])


def test_desktop_exec_names_the_console_script() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    program, *arguments = desktop_entry()["Exec"].split()
    assert program in scripts
    assert scripts[program] == "planner.cli.main:main"
    assert arguments == ["%f"]  # one file, as the program takes one plan


def test_mime_type_registers_the_glob_above_the_sqlite_magic() -> None:
    (mime,) = mime_types()
    assert mime.get("type") == MIME
    globs = [glob.get("pattern") for glob in mime.findall(f"{MIME_NS}glob")]
    assert globs == ["*.drplan"]
    glob_weight = int(mime.find(f"{MIME_NS}glob").get("weight", "50"))  # type: ignore[union-attr]
    (magic,) = mime.findall(f"{MIME_NS}magic")
    match = magic.find(f"{MIME_NS}match")
    assert match is not None
    assert (match.get("type"), match.get("offset"), match.get("value")) == (
        "string",
        "0",
        "SQLite format 3",
    )
    assert int(magic.get("priority", "50")) < glob_weight
    assert mime.find(f"{MIME_NS}comment") is not None


def test_mime_magic_matches_the_bundled_example() -> None:
    example = ROOT / "resources" / "examples" / "pangyo.drplan"
    assert example.read_bytes()[:15] == b"SQLite format 3"


def test_metainfo_agrees_with_desktop_file_and_mime() -> None:
    root = metainfo()
    assert root.findtext("id") == APP_ID
    launchable = root.find("launchable")
    assert launchable is not None
    assert launchable.get("type") == "desktop-id"
    assert launchable.text == f"{APP_ID}.desktop"
    assert (LINUX / launchable.text).is_file()
    provides = root.find("provides")
    assert provides is not None
    assert [m.text for m in provides.findall("mediatype")] == [MIME]
    assert [b.text for b in provides.findall("binary")] == [desktop_entry()["Exec"].split()[0]]
    for key in ("name", "summary", "metadata_license", "project_license"):
        assert (root.findtext(key) or "").strip(), f"<{key}> is missing"
    assert root.findtext("name") == desktop_entry()["Name"]
    license_ = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["license"]
    assert root.findtext("project_license") == license_


def test_metainfo_release_is_the_package_version() -> None:
    releases = metainfo().findall("releases/release")
    assert releases, "no <release>"
    assert releases[0].get("version") == planner.__version__


def test_icons_exist_in_every_size() -> None:
    icons = LINUX / "icons" / "hicolor"
    for size in SIZES:
        png = icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        data = png.read_bytes()
        assert data[:8] == PNG_SIGNATURE, png
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (size, size), png
    scalable = icons / "scalable" / "apps" / f"{APP_ID}.svg"
    source = ROOT / "resources" / "icons" / "drplanner.svg"
    assert scalable.read_bytes() == source.read_bytes(), "run packaging/linux/render_icons.py"
    ET.parse(scalable)
