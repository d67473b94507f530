import pytest

from asrbench.data.manifest import ManifestError, Utterance, read_manifest, write_manifest
from tests.conftest import write_manifest_lines


def test_roundtrip_with_relative_audio_paths(audio_dir):
    utts = [Utterance(id="a", audio=audio_dir / "a.wav", text="hello world", duration=1.0, speaker="s1")]
    path = write_manifest(audio_dir / "m.jsonl", utts)
    assert '"audio": "a.wav"' in path.read_text()
    (back,) = read_manifest(path)
    assert back.audio == audio_dir / "a.wav" and back.text == "hello world" and back.line == 1


@pytest.mark.parametrize("line, message", [
    ('{"id": "x", "audio": "a.wav", "duration": 1.0}', r"missing field\(s\) text"),
    ('{"id": "x", "audio": "a.wav", "text": "  ", "duration": 1.0}', "field 'text' is empty"),
    ('{"id": "x", "audio": "a.wav", "text": "hi", "duration": "long"}', "must be numbers"),
    ('{"id": "x", "audio": "a.wav", "text": "hi", "duration": 0}', "must be > 0"),
    ('not json', "not a JSON object"),
    ('[1, 2]', "expected a JSON object"),
])
def test_bad_lines_name_file_and_line(audio_dir, line, message):
    good = '{"id": "ok", "audio": "a.wav", "text": "hi", "duration": 1.0}'
    path = audio_dir / "m.jsonl"
    path.write_text(good + "\n" + line + "\n")
    with pytest.raises(ManifestError, match=rf"m\.jsonl:2: .*{message}"):
        read_manifest(path)


def test_duplicate_ids_and_non_utf8(audio_dir):
    record = {"id": "x", "audio": "a.wav", "text": "hi", "duration": 1.0}
    path = write_manifest_lines(audio_dir / "dup.jsonl", [record, record])
    with pytest.raises(ManifestError, match=r"dup\.jsonl:2: duplicate id 'x' \(first on line 1\)"):
        read_manifest(path)
    bad = audio_dir / "latin1.jsonl"
    bad.write_bytes(b'{"id": "ok", "audio": "a.wav", "text": "hi", "duration": 1.0}\n'
                    b'{"id": "y", "audio": "a.wav", "text": "caf\xe9", "duration": 1.0}\n')
    with pytest.raises(ManifestError, match=r"latin1\.jsonl:2: not valid UTF-8"):
        read_manifest(bad)
