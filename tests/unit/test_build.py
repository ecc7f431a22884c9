"""devtools/build/: the bundle's layout, manifest, write-key builds and wheel (no browser,
no node_modules: the runtime files are left out, everything else is built)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import brotli
import pytest

import integration.surface
from devtools import build, inventory, settings_help
from devtools.build import cli, rewrite
from devtools.build.bundle import STUB_FILES
from devtools.build.manifest import runtime_paths, write
from tests.unit.conftest import SEGMENT_SETTINGS, options


def test_every_file_is_in_the_manifest_with_its_size_and_gzip_size(built: Any) -> None:
    out, manifest = built
    on_disk = {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != "MANIFEST.json" and not p.name.endswith((".gz", ".br"))
    }
    assert {e["path"] for e in manifest["entries"]} == on_disk
    for entry in manifest["entries"]:
        assert entry["size"] == (out / entry["path"]).stat().st_size
        assert isinstance(entry["gzip"], int) and entry["gzip"] > 0
        assert isinstance(entry["brotli"], int) and entry["brotli"] > 0


def test_only_the_loader_snippet_and_write_key_files_have_stable_names(built: Any) -> None:
    _, manifest = built
    stable = sorted(e["path"] for e in manifest["entries"] if not e["immutable"])
    assert stable == [
        "analytics.js",
        "segment/analytics.js/v1/WRITE_KEY_1/analytics.min.js",
        "segment/v1/projects/WRITE_KEY_1/settings",
        "snippet.js",
    ]


def test_the_loader_carries_the_contract_and_its_files_exist(
    built: Any, assert_contract_of_the_surface: Any
) -> None:
    out, manifest = built
    contract = rewrite.contract_in((out / "analytics.js").read_text())
    assert (
        contract["version"] == "0.1.0" and contract["root"] == "" and contract["settings"] is None
    )
    assert_contract_of_the_surface(contract)
    # the stub names the files it fetches or imports, boot.mjs every other one
    later = rewrite.boot_files((out / contract["files"]["boot"]).read_text())
    assert set(contract["files"]) <= STUB_FILES and not set(later) & STUB_FILES
    files = {**contract["files"], **later}
    assert files == manifest["files"]
    for path in files.values():
        assert (out / path).is_file(), path
    assert "?" not in json.dumps(files)  # versions in paths, never query strings
    console_surface = json.loads((out / later["surface"]).read_text())
    assert console_surface == settings_help.with_help(integration.surface.as_json())


def test_the_package_zip_holds_the_integration_modules(built: Any) -> None:
    out, manifest = built
    names = zipfile.ZipFile(out / manifest["files"]["package"]).namelist()
    sources = sorted(p.as_posix() for p in Path("integration").rglob("*.py"))
    assert names == [name for name in sources if name not in inventory.DESCRIPTIVE]


def test_the_script_tag_names_the_stable_loader_with_its_sri_hash(built: Any) -> None:
    out, manifest = built
    digest = base64.b64encode(hashlib.sha384((out / "analytics.js").read_bytes()).digest())
    assert manifest["integrity"] == "sha384-" + digest.decode()
    assert manifest["tag"].startswith('<script src="/analytics/analytics.js" integrity="sha384-')
    assert "script-src 'self' 'wasm-unsafe-eval'" in manifest["csp"]
    assert "connect-src 'self' https://api-js.mixpanel.com" in manifest["csp"]


def test_text_files_have_gzip_and_brotli_twins(built: Any) -> None:
    out, _ = built
    for name in ("analytics.js", "snippet.js"):
        assert gzip.decompress((out / (name + ".gz")).read_bytes()) == (out / name).read_bytes()
        assert brotli.decompress((out / (name + ".br")).read_bytes()) == (out / name).read_bytes()


def test_every_gzip_twin_has_a_brotli_twin_and_the_manifest_counts_what_is_sent(
    built: Any,
) -> None:
    out, manifest = built
    twins = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.suffix in (".gz", ".br")}
    gz = {t[: -len(".gz")] for t in twins if t.endswith(".gz")}
    assert gz and gz == {t[: -len(".br")] for t in twins if t.endswith(".br")}
    for entry in manifest["entries"]:
        path = entry["path"]
        if path in gz:
            assert entry["sent"] == entry["gzip"] == (out / (path + ".gz")).stat().st_size
            assert entry["sentBrotli"] == entry["brotli"] == (out / (path + ".br")).stat().st_size
        else:
            assert entry["sent"] == entry["sentBrotli"] == entry["size"], path
    assert {e["path"] + ".gz" for e in manifest["entries"] if e["path"] in gz} <= set(
        manifest["written"]
    )


def test_the_bytes_per_runtime_are_given_under_brotli_and_gzip(built: Any) -> None:
    _, manifest = built
    sent = {e["path"]: (e["sentBrotli"], e["sent"]) for e in manifest["entries"]}
    for runtime in ("micropython", "pyodide"):
        paths = runtime_paths(manifest["files"], runtime)
        brotli = manifest["visitor"]["brotli"][runtime]
        assert brotli == sum(sent[p][0] for p in paths if p in sent)
        assert manifest["visitor"]["gzip"][runtime] == sum(sent[p][1] for p in paths if p in sent)
        assert 0 < brotli < manifest["visitor"]["gzip"][runtime]
    text = build.summary(manifest)
    assert "(brotli)" in text and "(gzip)" in text


def test_a_write_key_build_bakes_the_projects_mixpanel_settings_in(built: Any) -> None:
    out, manifest = built
    stub = out / "segment" / "analytics.js" / "v1" / "WRITE_KEY_1" / "analytics.min.js"
    contract = rewrite.contract_in(stub.read_text())
    assert contract["settings"] == SEGMENT_SETTINGS["integrations"]["Mixpanel"]
    assert contract["root"] == "../../../../"
    assert contract["files"] == {k: v for k, v in manifest["files"].items() if k in STUB_FILES}
    settings = out / "segment" / "v1" / "projects" / "WRITE_KEY_1" / "settings"
    assert json.loads(settings.read_text()) == SEGMENT_SETTINGS
    # root resolves from the stub's folder back to the bundle root
    assert (stub.parent / contract["root"] / contract["files"]["package"]).resolve().is_file()


def test_settings_without_a_mixpanel_entry_fail_the_build_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "no-mixpanel.json"
    settings.write_text(json.dumps({"integrations": {"Google Analytics": {}}}))
    argv = ["--out", str(tmp_path / "dist"), "--no-snapshot"]
    code = cli.main([*argv, "--write-key", "KEY2", "--settings", str(settings)])
    assert code == 1
    err = capsys.readouterr().err
    assert "KEY2" in err and "no integrations.Mixpanel entry" in err
    assert not (tmp_path / "dist").exists()  # nothing written


def test_a_write_key_must_be_a_plain_path_segment(tmp_path: Path) -> None:
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps(SEGMENT_SETTINGS))
    with pytest.raises(build.BuildError, match="letters, digits"):
        build.build(options(tmp_path, write_keys=[("../evil", settings)]))


def test_the_wheel_is_pure_python_and_has_no_dependencies(built: Any) -> None:
    out, manifest = built
    wheel = out / manifest["files"]["wheel"]
    assert wheel.name == "segment_mixpanel_py-0.1.0-py3-none-any.whl"
    archive = zipfile.ZipFile(wheel)
    metadata = archive.read("segment_mixpanel_py-0.1.0.dist-info/METADATA").decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert requires and all("extra ==" in line for line in requires), requires
    assert "integration/surface.py" in archive.namelist()
    assert not [n for n in archive.namelist() if n.startswith(("devtools/", "tests/"))]


def test_an_unchanged_tree_is_not_rebuilt(built: Any) -> None:
    out, manifest = built
    opts = build.Options(out=out, node=out.parent / "no-node-modules")
    opts.write_keys = [("WRITE_KEY_1", out.parent / "segment.json")]
    mtime = (out / "MANIFEST.json").stat().st_mtime_ns
    assert build.ensure_built(opts)["fingerprint"] == manifest["fingerprint"]
    assert (out / "MANIFEST.json").stat().st_mtime_ns == mtime


def test_files_of_an_older_build_are_removed(tmp_path: Path) -> None:
    opts = options(tmp_path, wheel=False)
    first = build.build(opts)
    package = tmp_path / "dist" / first["files"]["surface"]
    assert package.is_file()
    (tmp_path / "dist" / "keep-me.txt").write_text("not ours")
    bundle = build.Bundle(files={}, out={"analytics.js": b"x" * 300, "snippet.js": b"y"})
    write(bundle, opts, "other")
    assert not package.exists()
    assert (tmp_path / "dist" / "keep-me.txt").exists()  # only files a build wrote are removed


def test_each_boot_module_is_hashed_and_named_by_its_stem(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "boot.mjs").write_text("export const boot = 1;\n")
    (static / "boot-pyodide.mjs").write_text("export const pyodide = 1;\n")
    bundle = build.Bundle()
    rewrite.add_boot(bundle, tmp_path)
    assert set(bundle.files) == {"boot", "boot-pyodide"}
    for stem, name in bundle.files.items():
        assert build.is_hashed(name) and name.startswith(stem + ".") and name.endswith(".mjs")
        assert bundle.out[name] == (static / f"{stem}.mjs").read_bytes()
    (static / "boot.mjs").write_text("export const boot = 2;\n")
    again = build.Bundle()
    rewrite.add_boot(again, tmp_path)
    assert again.files["boot"] != bundle.files["boot"]  # new content, new name
    assert again.files["boot-pyodide"] == bundle.files["boot-pyodide"]


def test_a_relative_import_between_boot_modules_names_the_hashed_file(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "boot.mjs").write_text("import {a} from './boot-a.mjs';\nexport const boot = a;\n")
    (static / "boot-a.mjs").write_text("import {b} from './boot-b.mjs';\nexport const a = b;\n")
    (static / "boot-b.mjs").write_text("export const b = 1;\n")
    (static / "boot-pyodide.mjs").write_text("export const pyodide = 1;\n")
    bundle = build.Bundle()
    rewrite.add_boot(bundle, tmp_path)
    boot = bundle.out[bundle.files["boot"]].decode()
    assert f"from './{bundle.files['boot-a']}'" in boot and "boot-a.mjs" not in boot
    assert f"from './{bundle.files['boot-b']}'" in bundle.out[bundle.files["boot-a"]].decode()
    (static / "boot-b.mjs").write_text("export const b = 2;\n")
    again = build.Bundle()
    rewrite.add_boot(again, tmp_path)
    # a changed import changes every importer's name, so a cached boot.mjs never meets a new part
    assert all(again.files[k] != bundle.files[k] for k in ("boot", "boot-a", "boot-b"))
    assert again.files["boot-pyodide"] == bundle.files["boot-pyodide"]


def test_an_import_cycle_between_boot_modules_stops_the_build(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "boot.mjs").write_text("import {a} from './boot-a.mjs';\n")
    (static / "boot-a.mjs").write_text("import {b} from './boot.mjs';\n")
    with pytest.raises(SystemExit, match="cycle"):
        rewrite.add_boot(build.Bundle(), tmp_path)


# A pasted config's secrets are never written into a build.
def test_a_write_key_build_leaves_secrets_out_and_says_so(tmp_path: Path) -> None:
    secret = "do-not-leak-18"
    mixpanel = {
        "token": "issue18-test-project",
        "eventIncrements": [{"property": "Purchase"}],
        "apiSecret": secret,
        "gdprApiToken": secret + "-2",
    }
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"integrations": {"Mixpanel": mixpanel}}))
    opts = options(tmp_path, write_keys=[("K18", settings)])
    out = opts.out
    printed = build.summary(build.build(opts))  # what `python -m devtools.build` prints
    assert "K18: left out the secret setting(s) apiSecret, gdprApiToken" in printed
    assert secret not in printed
    for path in out.rglob("*"):
        if path.is_file() and path.suffix != ".gz":
            assert secret.encode() not in path.read_bytes(), path
    served = json.loads((out / "segment" / "v1" / "projects" / "K18" / "settings").read_text())
    assert served["integrations"]["Mixpanel"]["eventIncrements"] == mixpanel["eventIncrements"]
    assert "apiSecret" not in served["integrations"]["Mixpanel"]
