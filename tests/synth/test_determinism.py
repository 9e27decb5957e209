"""Same seed and scale, same bytes; another seed, another world."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.synth import SynthError, generate


def contents(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=7, scale=0.3)
    generate(tmp_path / "b", seed=7, scale=0.3)
    first, second = contents(tmp_path / "a"), contents(tmp_path / "b")
    assert first.keys() == second.keys()
    assert any(name.startswith("files/") for name in first)
    for name, data in first.items():
        assert data == second[name], name


def test_another_seed_gives_another_world(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=1, scale=0.3)
    generate(tmp_path / "b", seed=2, scale=0.3)
    first, second = contents(tmp_path / "a"), contents(tmp_path / "b")
    assert first["records.jsonl"] != second["records.jsonl"]
    assert first["operations.jsonl"] != second["operations.jsonl"]
    assert first["truth.json"] != second["truth.json"]


def test_a_non_empty_output_directory_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(SynthError, match="not empty"):
        generate(out, scale=0.1)
    assert (out / "keep.txt").read_text() == "mine"
    assert list(tmp_path.iterdir()) == [out]


def test_an_empty_output_directory_is_used(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    summary = generate(out, scale=0.1)
    assert (out / "manifest.json").is_file()
    assert summary.out == out
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.parametrize("scale", [0.0, -1.0])
def test_the_scale_must_be_positive(tmp_path: Path, scale: float) -> None:
    with pytest.raises(SynthError, match="positive"):
        generate(tmp_path / "out", scale=scale)
