from asrbench.evaluation.scoring import score


def test_wer_by_speaker_splits_the_corpus_errors_by_speaker():
    records = [{"id": "1", "ref": "one two three four", "hyp": "one two three four", "speaker": "a"},
               {"id": "2", "ref": "one two", "hyp": "one", "speaker": "b"},          # 1 deletion / 2 words
               {"id": "3", "ref": "five six", "hyp": "five seven six", "speaker": "b"}]  # 1 insertion / 2 words
    metrics = score(records)
    assert metrics["wer"] == 2 / 8
    assert metrics["wer_by_speaker"] == {"a": {"wer": 0.0, "utterances": 1, "ref_words": 4},
                                         "b": {"wer": 0.5, "utterances": 2, "ref_words": 4}}


def test_records_without_speakers_get_no_breakdown():
    assert "wer_by_speaker" not in score([{"id": "1", "ref": "one", "hyp": "two"}])
