"""kg/ingest/listing.py: which files a corpus folder gives, and what is skipped with a warning."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.ingest import list_corpus

TEXT = "Kế hoạch số 31-KH/TU của Tỉnh ủy Cao Bằng.\n"


def names(corpus: Path) -> tuple[list[str], dict[str, str]]:
    listing = list_corpus(corpus)
    files = [p.relative_to(corpus).as_posix() for p in listing.files]
    return files, {w.file_name: w.message for w in listing.skipped}


def test_subfolders_are_read_and_other_types_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "2021" / "quy-1").mkdir(parents=True)
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "2021" / "b.MD").write_text(TEXT + "b")
    (tmp_path / "2021" / "quy-1" / "c.docx").write_bytes(b"docx")
    (tmp_path / "2021" / "d.pdf").write_bytes(b"pdf")
    (tmp_path / "e.htm").write_text("<p>e</p>")
    (tmp_path / "bang.xlsx").write_bytes(b"x")
    (tmp_path / "cu.doc").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden")
    (tmp_path / "~$c.docx").write_bytes(b"lock")  # Word's lock file beside an open document
    (tmp_path / "kg.toml").write_text('jurisdiction = "Cao Bằng"')
    files, skipped = names(tmp_path)
    assert files == ["2021/b.MD", "2021/d.pdf", "2021/quy-1/c.docx", "a.txt", "e.htm"]
    assert set(skipped) == {"bang.xlsx", "cu.doc"}
    assert skipped["cu.doc"] == "cu.doc: skipped: Word 97-2003 .doc is not read: save it as .docx"
    assert skipped["bang.xlsx"].startswith("bang.xlsx: skipped: not a supported file type")


def test_byte_identical_copies_are_read_once_naming_the_first(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "sub" / "a-copy.txt").write_text(TEXT)
    (tmp_path / "z.md").write_text(TEXT)
    (tmp_path / "other.txt").write_text(TEXT.replace("31", "32"))  # same size, other bytes
    (tmp_path / "empty1.txt").write_text("")
    (tmp_path / "empty2.txt").write_text("")  # empty files are errors, not copies
    files, skipped = names(tmp_path)
    assert files == ["a.txt", "empty1.txt", "empty2.txt", "other.txt"]
    assert skipped == {
        "sub/a-copy.txt": "sub/a-copy.txt: skipped: byte-identical to a.txt (read once)",
        "z.md": "z.md: skipped: byte-identical to a.txt (read once)",
    }


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_symbolic_links_are_followed_once_and_loops_end(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(TEXT)
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)  # back to the corpus root
    (tmp_path / "sub" / "self").symlink_to(tmp_path / "sub")
    (tmp_path / "again").symlink_to(tmp_path / "sub")  # the same folder a second time
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "o.txt").write_text(TEXT + "outside")
    (tmp_path / "linked").symlink_to(outside)  # a folder kept elsewhere is read
    files, skipped = names(tmp_path)
    assert files == ["linked/o.txt", "sub/a.txt"]
    assert "symbolic link loop" in skipped["sub/loop"]
    assert "symbolic link loop" in skipped["sub/self"]
    assert skipped["again"] == "again: skipped: the same folder as sub (read once)"
    assert "broken symbolic link" in skipped["gone.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_with_a_text_name_is_skipped_not_opened(tmp_path: Path) -> None:
    # opening a FIFO blocks until someone writes to it: the listing must not try
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "a.txt").write_text(TEXT)
    files, skipped = names(tmp_path)
    assert files == ["a.txt"]
    assert skipped == {"pipe.txt": "pipe.txt: skipped: not a regular file"}
