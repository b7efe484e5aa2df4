"""export, verify and contacts, through main([...]) as a user or a pipeline would call them."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from terminal import converse, terminal_env

from colophon.cli import exitcodes
from colophon.cli.main import main
from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def creator(tmp_path: Path, capsys) -> dict[str, Path]:
    """A creator's home with two registered works and an identity in the (test) keyring."""
    home = tmp_path / "creator"
    works = tmp_path / "works"
    works.mkdir()
    Image.new("RGB", (320, 200), (10, 120, 200)).save(works / "harbour.png")
    (works / "poem.txt").write_text("The sea, the sea.")
    with Catalog.open(home) as cat:
        Identity(cat).create(
            Profile("Ada Lovelace", email="ada@example.org"), KeyLocation.keyring()
        )
    assert run(capsys, "--home", str(home), "add", str(works))[0] == 0
    return {"home": home, "works": works, "bundle": tmp_path / "ada.colophon"}


def export(capsys, creator, *extra: str) -> Path:
    code, _out, err = run(
        capsys,
        "--home",
        str(creator["home"]),
        "export",
        "--all",
        "-o",
        str(creator["bundle"]),
        *extra,
    )
    assert code == 0, err
    return creator["bundle"]


def test_export_writes_a_bundle_and_reports_it(capsys, creator):
    code, out, err = run(
        capsys,
        "--home",
        str(creator["home"]),
        "export",
        "--all",
        "-o",
        str(creator["bundle"]),
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert (report["works"], report["thumbnails"]) == (2, 1)
    assert report["bytes"] == creator["bundle"].stat().st_size
    names = zipfile.ZipFile(creator["bundle"]).namelist()
    assert {"envelope.intoto.json", "identity.json", "summary.html"} <= set(names)
    code, out, err = run(
        capsys, "--home", str(creator["home"]), "export", "--all", "-o", str(creator["bundle"]),
        "--force",
    )  # fmt: skip
    size = creator["bundle"].stat().st_size
    assert out == f"Wrote {creator['bundle']} ({size / 1e3:,.0f} kB): 2 works, 1 with a preview.\n"


def test_export_refuses_to_overwrite_without_force(capsys, creator):
    export(capsys, creator)
    code, _, err = run(
        capsys, "--home", str(creator["home"]), "export", "--all", "-o", str(creator["bundle"])
    )
    assert code == exitcodes.USAGE and "already exists" in err
    assert export(capsys, creator, "--force").exists()


def test_export_to_dash_is_refused_not_written_to_a_file_named_dash(
    capsys, creator, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--home", str(creator["home"]), "export", "--all", "-o", "-")
    assert code == exitcodes.USAGE and out == ""
    assert "not to standard output" in err
    assert list(tmp_path.glob("-*")) == []


def test_an_empty_output_name_is_refused_for_every_file_written(capsys, creator, tmp_path):
    home = str(creator["home"])
    for argv in (
        ["export", "--all", "-o", ""],
        ["identity", "backup", "-o", " "],
        ["identity", "card", "-o", ""],
        ["identity", "export-public", "-o", ""],
        ["identity", "revoke", "--reason", "retired", "--yes", "-o", ""],
    ):
        code, out, err = run(capsys, "--home", home, *argv)
        assert code == exitcodes.USAGE and out == "", argv
        assert "An empty file name was given with -o" in err, argv
    code, out, _ = run(capsys, "--home", home, "identity", "show", "--json")
    assert json.loads(out)["active_key"]["status"] == "active"  # nothing was revoked


def test_export_of_a_search_that_matches_nothing_is_not_found(capsys, creator, tmp_path):
    out_file = tmp_path / "nothing.colophon"
    argv = ["--home", str(creator["home"]), "export", "--search", "zzzz", "-o", str(out_file)]
    code, out, err = run(capsys, *argv)
    assert code == exitcodes.NOT_FOUND and out == ""
    assert err.strip().endswith("No works match 'zzzz'.")
    assert not out_file.exists()


def test_export_to_a_folder_asks_for_a_file_name_and_writes_nothing(capsys, creator, tmp_path):
    folder = tmp_path / "bundles"
    folder.mkdir()
    code, _, err = run(capsys, "--home", str(creator["home"]), "export", "--all", "-o", str(folder))
    assert code == exitcodes.USAGE
    assert f"{folder} is a folder; give a file name, such as {folder / 'portfolio.colophon'}" in err
    assert list(tmp_path.glob("bundles*")) == [folder] and not any(folder.iterdir())


def test_export_without_identity_says_how_to_make_one(capsys, tmp_path):
    code, _, err = run(capsys, "--home", str(tmp_path / "h"), "export", "--all", "-o", "x")
    assert code == exitcodes.USAGE and "No works to export" in err
    (tmp_path / "w.txt").write_text("w")
    run(capsys, "--home", str(tmp_path / "h"), "add", str(tmp_path / "w.txt"))
    code, _, err = run(capsys, "--home", str(tmp_path / "h"), "export", "--all", "-o", "x")
    assert code == exitcodes.NOT_FOUND and "identity init" in err


def test_verify_by_the_signer_is_valid(capsys, creator):
    bundle = export(capsys, creator)
    code, out, _ = run(capsys, "--home", str(creator["home"]), "verify", str(bundle))
    assert code == exitcodes.OK
    assert out.startswith("VALID: signed by your own key and unaltered.\n")  # "valid" once


def test_verify_by_a_stranger_is_unknown_signer_until_trusted(capsys, creator, tmp_path):
    bundle = export(capsys, creator)
    other = str(tmp_path / "company")
    code, out, _ = run(capsys, "--home", other, "verify", str(bundle), "--json")
    result = json.loads(out)
    assert code == exitcodes.UNKNOWN_SIGNER and result["outcome"] == "unknown_signer"
    assert result["signer"]["name"] == "Ada Lovelace" and not result["valid"]
    code, out, err = run(capsys, "--home", other, "contacts", "add", str(bundle))
    assert code == exitcodes.USAGE and out == "" and "Nothing was trusted" in err
    assert result["signer"]["fingerprint"] in err and "--fingerprint" in err and "--yes" in err
    code, out, _ = run(capsys, "--home", other, "verify", str(bundle))
    assert code == exitcodes.UNKNOWN_SIGNER  # not trusted unasked, with no terminal to ask on
    code, out, _ = run(capsys, "--home", other, "contacts", "add", str(bundle), "--yes")
    assert code == 0 and "Trusted Ada Lovelace" in out
    code, out, _ = run(capsys, "--home", other, "verify", str(bundle))
    assert code == exitcodes.OK and "your contact Ada Lovelace" in out
    code, out, _ = run(capsys, "--home", other, "contacts", "list", "--json")
    assert [c["name"] for c in json.loads(out)] == ["Ada Lovelace"]
    code, out, _ = run(capsys, "--home", other, "contacts", "rename", "ada lovelace", "Ada L.")
    assert code == 0 and out.startswith("Renamed to Ada L. (")
    code, out, _ = run(capsys, "--home", other, "verify", str(bundle))
    assert code == exitcodes.OK and "your contact Ada L." in out
    code, _, err = run(capsys, "--home", other, "contacts", "rename", "Ada L.", " ")
    assert code == exitcodes.USAGE and "needs a name" in err
    code, out, _ = run(capsys, "--home", other, "contacts", "rename", "Ada L.", "Ada", "--json")
    assert code == 0 and json.loads(out)["name"] == "Ada"
    code, out, _ = run(capsys, "--home", other, "contacts", "remove", "Ada", "--json")
    assert code == 0 and json.loads(out)["fingerprint"] == result["signer"]["fingerprint"]
    assert run(capsys, "--home", other, "verify", str(bundle))[0] == exitcodes.UNKNOWN_SIGNER
    with pytest.raises(SystemExit) as exc:
        main(["--home", other, "contacts", "list", "--bogus"])
    assert exc.value.code == exitcodes.USAGE
    assert "(see 'colophon contacts list --help')" in capsys.readouterr().err


def test_contacts_add_with_the_fingerprint_given_trusts_only_that_key(capsys, creator, tmp_path):
    other = str(tmp_path / "company")
    bundle = str(export(capsys, creator))
    fingerprint = json.loads(run(capsys, "verify", bundle, "--json")[1])["signer"]["fingerprint"]
    wrong = fingerprint[::-1].replace(" ", "")  # a key the creator never had
    code, out, err = run(capsys, "--home", other, "contacts", "add", bundle, "--fingerprint", wrong)
    assert code == exitcodes.KEY_MISMATCH and out == ""
    assert f"this file holds the key {fingerprint}, not the one you were given" in err
    assert json.loads(run(capsys, "--home", other, "contacts", "list", "--json")[1]) == []
    typed = fingerprint.lower().replace(" ", "-")  # as someone might copy it from a message
    code, out, err = run(capsys, "--home", other, "contacts", "add", bundle, "--fingerprint", typed)
    assert code == exitcodes.OK, err
    assert f"Trusted Ada Lovelace: {fingerprint}" in out and "Make sure" not in out


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_contacts_add_on_a_terminal_asks_whether_the_fingerprint_is_the_one_given(
    capsys, creator, tmp_path
):
    bundle = str(export(capsys, creator))
    fingerprint = json.loads(run(capsys, "verify", bundle, "--json")[1])["signer"]["fingerprint"]
    env = terminal_env(tmp_path)
    code, text = converse(["contacts", "add", bundle], ["no"], env)
    assert code == exitcodes.CANCELLED and fingerprint in text and "Nothing was trusted" in text
    assert (
        json.loads(run(capsys, "--home", env["COLOPHON_HOME"], "contacts", "list", "--json")[1])
        == []
    )
    code, text = converse(["contacts", "add", bundle], ["yes"], env)
    assert code == exitcodes.OK, text
    assert "Trusted Ada Lovelace" in text
    code, text = converse(["contacts", "add", bundle, "--name", "Ada", "--yes"], [], env)
    assert code == exitcodes.OK and "Already trusted" in text and "Type 'yes'" not in text


def test_contacts_add_shows_the_card_and_asks_about_another_key_with_the_same_email(
    capsys, creator, tmp_path
):
    other = str(tmp_path / "company")
    code, out, _ = run(
        capsys, "--home", other, "contacts", "add", str(export(capsys, creator)), "--yes"
    )
    assert code == 0 and "Their card says: Ada Lovelace <ada@example.org>" in out
    second = tmp_path / "second"  # the same person's second computer, with its own key
    card = tmp_path / "second.json"
    with Catalog.open(second) as cat:
        identity = Identity(cat)
        identity.create(Profile("Ada L.", email="Ada@example.org"), KeyLocation.keyring())
        card.write_text(json.dumps(identity.card()))

    code, _, err = run(capsys, "--home", other, "contacts", "add", str(card), "--yes")
    assert code == exitcodes.USAGE
    assert "with the email of your contact 'Ada Lovelace'" in err and "--same-person" in err
    code, out, _ = run(
        capsys, "--home", other, "contacts", "add", str(card), "--same-person", "--yes"
    )
    assert code == 0 and "Trusted Ada L." in out
    code, out, _ = run(capsys, "--home", other, "contacts", "list")
    assert "(same person as Ada Lovelace)" in out and "(same person as Ada L.)" in out
    # a bare key of hers: nothing to go by, so the contact is named
    laptop = tmp_path / "laptop"
    with Catalog.open(laptop) as cat:
        Identity(cat).create(Profile("Ada"), KeyLocation.keyring())
    key = tmp_path / "laptop.pub"
    assert run(capsys, "--home", str(laptop), "identity", "export-public", "-o", str(key))[0] == 0
    code, out, err = run(
        capsys, "--home", other, "contacts", "add", str(key), "--name", "Ada laptop",
        "--same-person", "Ada L.", "--json", "--yes",
    )  # fmt: skip
    assert code == 0, err
    added = json.loads(out)
    listed = json.loads(run(capsys, "--home", other, "contacts", "list", "--json")[1])
    assert {c["name"] for c in listed if c["person"] == added["person"]} == {
        "Ada Lovelace",
        "Ada L.",
        "Ada laptop",
    }
    # run again, as a pipeline's set-up step is: nothing to do, and no error
    code, out, _ = run(capsys, "--home", other, "contacts", "add", str(card), "--json")
    assert code == 0 and json.loads(out)["already_pinned"] is True
    assert json.loads(out)["name"] == "Ada L."
    code, out, _ = run(capsys, "--home", other, "contacts", "add", str(card))
    assert code == 0 and out.startswith("Already trusted as Ada L.: ")


def test_the_advice_for_a_creators_new_key_works_as_given(capsys, creator, tmp_path):
    team = str(tmp_path / "team")
    bundle = str(export(capsys, creator))
    assert run(capsys, "--home", team, "contacts", "add", bundle, "--yes")[0] == exitcodes.OK
    with Catalog.open(creator["home"]) as cat:
        Identity(cat).rotate(KeyLocation.keyring())
    card = tmp_path / "new-card.json"
    code, _, err = run(capsys, "--home", str(creator["home"]), "identity", "card", "-o", str(card))
    assert code == exitcodes.OK, err

    code, _, err = run(capsys, "--home", team, "contacts", "add", str(card), "--yes")
    assert code == exitcodes.USAGE
    assert "--same-person, with --name NAME (a name of its own: 'Ada Lovelace' is taken)" in err
    code, out, err = run(
        capsys, "--home", team, "contacts", "add", str(card), "--yes",
        "--same-person", "--name", "Ada Lovelace (new key)",
    )  # fmt: skip
    assert code == exitcodes.OK, err
    assert "Trusted Ada Lovelace (new key)" in out


def test_verify_against_a_folder_lists_local_files(capsys, creator, tmp_path):
    bundle = export(capsys, creator)
    _code, out, _ = run(
        capsys,
        "--home",
        str(creator["home"]),
        "verify",
        str(bundle),
        "--against",
        str(creator["works"]),
        "--json",
    )
    result = json.loads(out)
    found = {w["title"]: w["local_files"] for w in result["works"]}
    assert found == {
        "harbour": [str(creator["works"] / "harbour.png")],
        "poem": [str(creator["works"] / "poem.txt")],
    }
    assert result["unmatched_local_files"] == []


def test_a_line_break_in_a_file_name_cannot_forge_a_line_of_the_report(capsys, creator, tmp_path):
    bundle = export(capsys, creator)
    folder = tmp_path / "dataset"
    folder.mkdir()
    forged = "copy.txt\n    [    found] harbour: elsewhere.png"
    shutil.copy(creator["works"] / "poem.txt", folder / forged)
    code, out, _ = run(
        capsys, "--home", str(creator["home"]), "verify", str(bundle), "--against", str(folder)
    )
    assert code == exitcodes.OK
    lines = out.splitlines()
    marks = [line.split("] ", 1)[1] for line in lines if line.startswith("    [")]
    assert [m for m in marks if m.startswith("harbour")] == ["harbour"]  # found nowhere
    assert f"    [    found] poem: {folder}/copy.txt\\n    [    found] harbour: " in out


def test_an_impostor_is_said_once_with_both_fingerprints(capsys, creator, tmp_path):
    team = str(tmp_path / "team")
    genuine = export(capsys, creator)
    assert run(capsys, "--home", team, "contacts", "add", str(genuine), "--yes")[0] == 0
    pinned = json.loads(run(capsys, "--home", team, "verify", str(genuine), "--json")[1])
    impostor = tmp_path / "impostor"
    with Catalog.open(impostor) as cat:
        Identity(cat).create(Profile("Ada Lovelace"), KeyLocation.keyring())
    assert run(capsys, "--home", str(impostor), "add", str(creator["works"]))[0] == 0
    forged = tmp_path / "forged.colophon"
    assert run(capsys, "--home", str(impostor), "export", "--all", "-o", str(forged))[0] == 0

    code, out, _ = run(capsys, "--home", team, "verify", str(forged))
    assert code == exitcodes.KEY_MISMATCH
    assert out.startswith("WARNING: KEY MISMATCH: signed as Ada Lovelace, but not with the key")
    expected = pinned["signer"]["fingerprint"]
    assert f"  expected:     {expected}  (your contact Ada Lovelace)\n" in out
    shown = json.loads(run(capsys, "--home", team, "verify", str(forged), "--json")[1])
    assert shown["expected_key"]["fingerprint"] == expected != shown["signer"]["fingerprint"]
    assert f"  fingerprint:  {shown['signer']['fingerprint']}  (unknown)\n" in out


def test_verify_against_names_what_it_could_not_read(capsys, creator, tmp_path):
    bundle = export(capsys, creator)
    folder = tmp_path / "dataset"
    folder.mkdir()
    shutil.copy(creator["works"] / "poem.txt", folder / "poem.txt")
    os.mkfifo(folder / "harbour.png")  # a pipe where the picture should be: nothing to hash
    (folder / "gone.png").symlink_to(tmp_path / "nowhere.png")
    argv = ["--home", str(creator["home"]), "verify", str(bundle), "--against", str(folder)]

    code, out, err = run(capsys, *argv)
    assert code == exitcodes.OK  # the claim is what is verified; the folder is reported on
    assert "    [not found] harbour\n" in out
    assert "  2 local files or folders could not be read (named on standard error)" in out
    assert f"skipped {folder / 'harbour.png'}: not a regular file" in err
    assert f"skipped {folder / 'gone.png'}: " in err

    code, out, _ = run(capsys, *argv, "--json")
    skipped = json.loads(out)["skipped_local_files"]
    assert sorted(s["path"] for s in skipped) == [
        str(folder / "gone.png"),
        str(folder / "harbour.png"),
    ]
    assert all(s["reason"] for s in skipped)


def test_tampered_bundle_has_its_own_exit_code(capsys, creator, tmp_path):
    bundle = export(capsys, creator)
    tampered = tmp_path / "tampered.colophon"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "summary.html":
                data = data.replace(b"Ada Lovelace", b"Someone Else")
            dst.writestr(item, data)
    code, out, _ = run(capsys, "--home", str(creator["home"]), "verify", str(tampered))
    assert code == exitcodes.TAMPERED
    assert out.startswith("INVALID: TAMPERED: The summary page (summary.html) was altered")


def test_garbage_is_malformed_not_a_traceback(capsys, creator, tmp_path):
    junk = tmp_path / "junk.colophon"
    junk.write_bytes(b"PK\x03\x04 this is not really a zip")
    code, out, err = run(capsys, "--home", str(creator["home"]), "verify", str(junk))
    assert code == exitcodes.MALFORMED and out.startswith("INVALID: MALFORMED")
    assert "Traceback" not in out + err


def test_verify_of_a_missing_file_is_not_found(capsys, tmp_path):
    code, _, err = run(capsys, "--home", str(tmp_path / "h"), "verify", str(tmp_path / "no"))
    assert code == exitcodes.NOT_FOUND and "There is no file" in err


def forged_with_escapes(capsys, creator, tmp_path) -> Path:
    """Ada's claim signed again with escape sequences in her address and wallet."""
    import base64

    from colophon.core import dsse, strictjson

    envelope = json.loads(zipfile.ZipFile(export(capsys, creator)).read("envelope.intoto.json"))
    statement = json.loads(base64.b64decode(envelope["payload"]))
    claimant = statement["predicate"]["claimant"]
    claimant["email"] = "ada\x1b[2J\x1b]0;VALID\x07@example.org"
    claimant["paymentChannels"] = [
        {"kind": "openPayments", "value": "https://wallet.example/ada\x1b[1A\x9b31mVALID"}
    ]
    with Catalog.open(creator["home"]) as catalog, Identity(catalog).signing() as private:
        forged = dsse.sign(strictjson.dumps(statement), dsse.PAYLOAD_TYPE_INTOTO, private)
    path = tmp_path / "forged.intoto.json"
    path.write_bytes(strictjson.dumps(forged))
    return path


def raw_controls(text: str) -> list[str]:
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c != "\n")
        or 0x7F <= ord(c) < 0xA0
        or 0x2028 <= ord(c) <= 0x202E
        or 0x2066 <= ord(c) <= 0x2069
    ]


def test_a_claim_with_escape_sequences_is_malformed_and_printed_harmlessly(
    capsys, creator, tmp_path
):
    # "\x1b[2J" clears a terminal; "\x1b[1A" goes back up a line to rewrite what it said.
    path = forged_with_escapes(capsys, creator, tmp_path)
    code, out, _err = run(capsys, "--home", str(tmp_path / "stranger"), "verify", str(path))
    assert code == exitcodes.MALFORMED
    assert "predicate.claimant.email" in out
    assert raw_controls(out) == []
    code, out, _err = run(
        capsys, "--home", str(tmp_path / "stranger"), "verify", "--json", str(path)
    )
    assert code == exitcodes.MALFORMED and raw_controls(out) == []


def test_control_characters_in_what_is_printed_become_visible_escapes(capsys, tmp_path):
    # A file name may hold anything but "/" and NUL; the message quoting it must not act on the
    # terminal. JSON escapes what it must, and DEL and C1 controls too.
    name = "claim\x1b[2J\x9b31m\r\u2028\u202e.colophon"
    code, _out, err = run(capsys, "verify", str(tmp_path / name))
    assert code == exitcodes.NOT_FOUND
    assert "claim\\x1b[2J\\x9b31m\\x0d\\u2028\\u202e.colophon" in err
    assert raw_controls(err) == []
    (tmp_path / name).write_text("not a claim")
    code, out, _err = run(capsys, "verify", "--json", str(tmp_path / name))
    assert code == exitcodes.MALFORMED
    assert raw_controls(out) == []
    assert json.loads(out)["file"] == str(tmp_path / name)


def test_verify_json_gives_each_work_the_terms_that_apply_to_it(capsys, creator, tmp_path):
    with Catalog.open(creator["home"]) as cat:
        poem = next(w for w in cat.list_works() if w.title == "poem")
        cat.update_work(poem.id, terms={"cawg.ai_inference": {"use": "allowed"}})
    bundle = export(capsys, creator)
    code, out, err = run(
        capsys, "--home", str(tmp_path / "stranger"), "verify", str(bundle), "--json"
    )
    assert code == exitcodes.UNKNOWN_SIGNER, err
    terms = {w["title"]: w["terms"] for w in json.loads(out)["works"]}
    assert terms["poem"]["cawg.ai_inference"] == {"use": "allowed"}
    assert terms["harbour"]["cawg.ai_inference"] == {"use": "notAllowed"}
    assert terms["poem"]["cawg.ai_training"] == terms["harbour"]["cawg.ai_training"]


def test_verify_text_has_no_heading_for_other_works_when_every_work_has_its_own_terms(
    capsys, creator, tmp_path
):
    with Catalog.open(creator["home"]) as cat:
        for work in cat.list_works():
            cat.update_work(work.id, terms={"cawg.ai_inference": {"use": "allowed"}})
    bundle = export(capsys, creator)
    code, out, _err = run(capsys, "--home", str(tmp_path / "stranger"), "verify", str(bundle))
    assert code == exitcodes.UNKNOWN_SIGNER
    assert "works:        2, 2 of them with terms of their own (below)" in out
    assert "other works" not in out
    assert "poem: May be given to an AI as input: Yes" in out


def test_verify_text_shows_the_terms_works_have_of_their_own(capsys, creator, tmp_path):
    # The bundle's terms are only the default: a reader of the text must see the exceptions.
    with Catalog.open(creator["home"]) as cat:
        poem = next(w for w in cat.list_works() if w.title == "poem")
        cat.update_work(poem.id, terms={"cawg.ai_inference": {"use": "allowed"}})
    bundle = export(capsys, creator)
    stranger = str(tmp_path / "stranger")
    code, out, err = run(capsys, "--home", stranger, "verify", str(bundle))
    assert code == exitcodes.UNKNOWN_SIGNER, err
    assert "works:        2, 1 of them with terms of their own (below)" in out
    assert "terms of the other works:\n    May be used to train AI: No" in out
    assert "May be given to an AI as input: No" in out  # the bundle's default
    assert "works with terms of their own:\n    poem: May be given to an AI as input: Yes\n" in out

    code, out, err = run(
        capsys, "--home", stranger, "verify", str(bundle), "--against", str(creator["works"])
    )
    assert "[    found] poem (terms of its own): " in out
    assert "[    found] harbour: " in out


def test_verify_reads_a_bundle_from_standard_input(capsys, creator, tmp_path):
    # "-" and pipes (/dev/stdin, <(...)) are read once: nothing is lost to a first look.
    bundle = export(capsys, creator)
    home = str(tmp_path / "stranger")
    for given in ("-", "/dev/stdin"):
        done = subprocess.run(
            [sys.executable, "-m", "colophon", "--home", home, "verify", given, "--json"],
            input=bundle.read_bytes(),
            capture_output=True,
            check=False,
        )
        assert done.returncode == exitcodes.UNKNOWN_SIGNER, done.stderr
        assert json.loads(done.stdout)["outcome"] == "unknown_signer"


def test_a_malformed_file_given_to_contacts_add_exits_as_malformed(capsys, tmp_path):
    (tmp_path / "empty.colophon").write_bytes(b"")
    (tmp_path / "key.txt").write_text("not a key")
    for name in ("empty.colophon", "key.txt"):
        code, _out, err = run(
            capsys, "--home", str(tmp_path / "h"), "contacts", "add", str(tmp_path / name)
        )
        assert code == exitcodes.MALFORMED, err
        assert err.startswith("colophon: error:")
    code, _out, err = run(capsys, "--home", str(tmp_path / "h"), "contacts", "add", str(tmp_path))
    assert code == exitcodes.USAGE and "is a folder" in err


def test_a_revocation_file_teaches_the_verifier_and_pins_nothing(capsys, creator, tmp_path):
    bundle = export(capsys, creator)
    home = str(tmp_path / "stranger")
    assert run(capsys, "--home", home, "contacts", "add", str(bundle), "--yes")[0] == exitcodes.OK
    revocation = tmp_path / "revoked.json"
    code, _out, err = run(
        capsys, "--home", str(creator["home"]), "identity", "revoke", "--reason", "compromised",
        "--yes", "-o", str(revocation),
    )  # fmt: skip
    assert code == exitcodes.OK, err

    code, out, err = run(capsys, "--home", home, "contacts", "add", str(revocation))
    assert code == exitcodes.OK, err
    assert "was revoked as compromised on" in out and out.rstrip().endswith("in mind.")
    code, out, _err = run(capsys, "--home", home, "contacts", "add", str(revocation), "--json")
    assert json.loads(out)["learnt"] == 0  # already known
    code, out, _err = run(capsys, "--home", home, "verify", str(bundle))
    assert code == exitcodes.REVOKED and "withdraws every claim it signed" in out
    code, out, _err = run(capsys, "--home", home, "contacts", "list", "--json")
    [listed] = json.loads(out)  # the creator, pinned before; the file pinned nothing
    assert listed["key_news"].startswith("revoked as compromised on")
    code, out, _err = run(capsys, "--home", home, "contacts", "list")
    assert "(key revoked as compromised on" in out


def test_the_app_without_a_display_says_so_instead_of_aborting(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-m", "colophon", "--home", str(tmp_path / "h")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == exitcodes.ENVIRONMENT
    assert done.stderr.startswith("colophon: error: the desktop app needs a display")


def test_export_warns_when_chosen_works_changed_on_disk_since_registered(capsys, creator):
    export(capsys, creator)
    assert "changed on disk" not in capsys.readouterr().err
    (creator["works"] / "poem.txt").write_text("The sea, the sea, the sea.")  # edited since
    code, _out, err = run(
        capsys, "--home", str(creator["home"]), "export", "--all", "-o", str(creator["bundle"]),
        "--force",
    )  # fmt: skip
    assert code == exitcodes.OK
    assert "1 chosen work changed on disk since it was registered: the claim covers" in err
    code, out, err = run(
        capsys, "--home", str(creator["home"]), "export", "--all", "-o", str(creator["bundle"]),
        "--force", "--json",
    )  # fmt: skip
    with Catalog.open(creator["home"]) as cat:
        poem = next(w for w in cat.list_works() if w.title == "poem")
    assert json.loads(out)["changed_since_registered"] == [poem.id] and err == ""


def test_verify_of_an_empty_name_is_refused_not_taken_for_the_current_folder(capsys, tmp_path):
    code, out, err = run(capsys, "--home", str(tmp_path / "team"), "verify", "")
    assert (code, out) == (exitcodes.USAGE, "")
    assert err == "colophon: error: An empty file name was given: name the bundle to verify.\n"


def test_export_says_the_license_as_the_claim_states_it(capsys, creator):
    code, out, _err = run(
        capsys, "--home", str(creator["home"]), "export", "--all", "-o", str(creator["bundle"]),
        "--license", "CC BY 4.0",
    )  # fmt: skip
    assert code == 0 and out.rstrip().endswith("License stated: CC-BY-4.0.")
    code, out, _err = run(
        capsys, "--home", str(creator["home"]), "export", "--all", "-o", str(creator["bundle"]),
        "--force", "--json", "--license", "",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["license"] is None  # empty: an unset variable, none
    with zipfile.ZipFile(creator["bundle"]) as bundle:
        envelope = json.loads(bundle.read("envelope.intoto.json"))
    assert "license" not in json.loads(base64.b64decode(envelope["payload"]))["predicate"]


def tampered_copy(bundle: Path, tampered: Path) -> Path:
    """A copy of ``bundle`` whose summary page was changed after signing."""
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data + b"<!-- -->" if item.filename == "summary.html" else data)
    return tampered


def test_a_verdict_stands_when_the_reader_of_the_output_goes_away(capsys, creator, tmp_path):
    # `colophon verify x | head -1` in a pipeline that branches on the status: a tampered claim
    # must not turn into success because the output could not all be written.
    bundle = export(capsys, creator)
    tampered = tampered_copy(bundle, tmp_path / "tampered.colophon")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    try:
        done = subprocess.run(
            [sys.executable, "-m", "colophon", "--home", str(tmp_path / "h"), "verify", tampered],
            stdout=write_end,
            stderr=subprocess.PIPE,
            check=False,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.returncode == exitcodes.TAMPERED
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_a_full_disk_did_not_take_is_an_error_not_a_success(capsys, creator, tmp_path):
    # A pipeline must never take a cut-off document for a whole one (exit 5, said on stderr).
    bundle = export(capsys, creator)
    home = str(tmp_path / "team")
    for command in (["verify", str(bundle), "--json"], ["verify", str(bundle)], ["list"]):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "colophon.cli.main", "--home", home, *command],
                stdout=full,
                stderr=subprocess.PIPE,
                check=False,
                timeout=60,
            )
        assert done.returncode == exitcodes.ENVIRONMENT, command
        assert done.stderr.decode() == (
            "colophon: error: The output could not be written whole: no space is left on the "
            "disk.\n"
        )


def test_a_verdict_stands_when_the_output_is_closed_from_the_start(capsys, creator, tmp_path):
    bundle = export(capsys, creator)
    tampered = tampered_copy(bundle, tmp_path / "tampered.colophon")
    for path, code in ((bundle, exitcodes.UNKNOWN_SIGNER), (tampered, exitcodes.TAMPERED)):
        done = subprocess.run(  # as a shell runs `colophon verify x >&-`
            f'"{sys.executable}" -m colophon --home "{tmp_path / "h"}" verify "{path}" --json >&-',
            shell=True,
            stderr=subprocess.PIPE,
            check=False,
            timeout=60,
        )
        assert done.returncode == code
        assert done.stderr == b""


def test_contacts_add_of_a_bad_bundle_exits_as_verify_does(capsys, creator, tmp_path):
    bundle = export(capsys, creator)
    tampered, broken = tmp_path / "tampered.colophon", tmp_path / "broken.colophon"
    with zipfile.ZipFile(bundle) as src:
        items = {item.filename: src.read(item) for item in src.infolist()}
    with zipfile.ZipFile(tampered, "w") as dst:
        for name, data in items.items():
            dst.writestr(name, data + b"<!-- -->" if name == "summary.html" else data)
    with zipfile.ZipFile(broken, "w") as half:
        for name, data in items.items():
            if name != "envelope.intoto.json":
                half.writestr(name, data)
    home = str(tmp_path / "team")
    for path, code in ((tampered, exitcodes.TAMPERED), (broken, exitcodes.MALFORMED)):
        assert run(capsys, "--home", home, "verify", str(path))[0] == code
        got, out, err = run(capsys, "--home", home, "contacts", "add", str(path))
        assert got == code and out == ""
        assert err.startswith("colophon: error: This bundle cannot be trusted")


def test_verify_help_lists_each_exit_status_it_can_give(capsys):
    from colophon.cli.bundles import VERIFY_EXIT

    with pytest.raises(SystemExit):
        main(["verify", "--help"])
    shown = capsys.readouterr().out.split("exit status:")[1]
    for code in set(VERIFY_EXIT.values()):
        assert f"\n  {code} " in shown, code


def test_scan_to_a_report_in_a_missing_folder_stops_before_scanning(capsys, tmp_path):
    code, _out, err = run(
        capsys, "scan", str(tmp_path), "--claims", str(tmp_path), "--report",
        str(tmp_path / "no-such-folder" / "report.csv"),
    )  # fmt: skip
    assert code == exitcodes.NOT_FOUND
    assert f"The folder {tmp_path / 'no-such-folder'} does not exist." in err
    (tmp_path / "notes.txt").write_text("a file")
    code, _out, err = run(
        capsys, "scan", str(tmp_path), "--claims", str(tmp_path), "--report",
        str(tmp_path / "notes.txt" / "report.csv"),
    )  # fmt: skip
    assert code == exitcodes.USAGE and f"{tmp_path / 'notes.txt'} is a file, not a folder." in err


def test_a_question_on_the_terminal_never_goes_into_the_output(monkeypatch, capsys):
    # `colophon contacts add FILE --json | jq` on a terminal: the question is for the person,
    # on standard error; standard output holds the JSON alone.
    import argparse
    import io

    from colophon.cli.context import Context
    from colophon.core.errors import Cancelled

    out, err = io.StringIO(), io.StringIO()
    ctx = Context(argparse.Namespace(json=True), stdout=out, stderr=err)
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\nno\n"))
    ctx.confirm("The key has the fingerprint ABCD.\n", "Type 'yes': ", "yes", "Nothing.")
    with pytest.raises(Cancelled, match="Nothing"):
        ctx.confirm("Again?\n", "Type 'yes': ", "yes", "Nothing.")
    assert out.getvalue() == "" and capsys.readouterr().out == ""
    assert err.getvalue().count("Type 'yes': ") == 2
