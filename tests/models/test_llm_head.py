import pytest
import torch

from asrbench.decoding.beam_search import NEG_INF
from asrbench.models.heads import llm
from asrbench.models.heads.llm import LLMHead
from asrbench.models.heads.options import DecodingOptions
from asrbench.models.lm.load import read_arch
from tests.models.lm.factories import tiny_gpt, tiny_hf

LORA_TARGETS = {"gpt": ["query", "value"], "llama": None, "gpt2": None}  # None: peft's default by model type

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module", params=["gpt", "llama", "gpt2"])
def lm_spec(request, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "gpt":
        return {"source": "gpt", "path": str(tiny_gpt(folder / "lm.ckpt")), "kind": "gpt"}
    return {"source": "hf", "path": str(tiny_hf(folder, request.param)), "kind": request.param}


def make_head(spec: dict, seed: int = 0, text_position: int | None = None, adapter_output: str = "continuous",
              **lm) -> LLMHead:
    torch.manual_seed(seed)
    lm_config = {k: v for k, v in spec.items() if k != "kind"} | lm
    ctc_weight = 0.0 if adapter_output == "continuous" else 0.3
    return LLMHead(24, 0, lm_config, {"window": 4, "heads": 2}, prompt_prefix="the", prompt_suffix="cat",
                   dropout=0.0, text_position=text_position, ctc_weight=ctc_weight, adapter_output=adapter_output)


def encoder_batch(seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(seed)
    return torch.randn(3, 22, 24), torch.tensor([22, 9, 3])


def greedy_without_cache(head: LLMHead, enc: torch.Tensor, enc_lens: torch.Tensor, steps: int) -> list[int]:
    """Re-run the whole [prefix][speech][suffix][tokens so far] every step: the reference for the KV cache."""
    context, mask, positions, text_start = head.lay_out(*head.speech(enc, enc_lens)[:2], head.suffix_ids)
    tokens: list[int] = []
    for _ in range(steps):
        ids = torch.tensor([tokens], dtype=torch.long)
        x = torch.cat([context, head.lm.embed(ids)], dim=1)
        all_positions = torch.cat([positions, text_start[:, None] + torch.arange(len(tokens))], dim=1)
        logits, _ = head.lm(x, torch.cat([mask, torch.ones_like(ids, dtype=torch.bool)], dim=1),
                            positions=all_positions)
        logits = logits[0, -1].clone()
        logits[head.suppress_ids] = NEG_INF
        token = int(logits.argmax())
        if token == head.eos_id:
            break
        tokens.append(token)
    return tokens


@pytest.mark.parametrize(("text_position", "adapter_output"),
                         [(None, "continuous"), (40, "continuous"), (40, "vocabulary"), (40, "ctc")])
def test_cached_batched_generation_matches_uncached_single_generation(lm_spec, text_position, adapter_output):
    head = make_head(lm_spec, text_position=text_position, adapter_output=adapter_output).eval()
    enc, enc_lens = encoder_batch()
    options = DecodingOptions(beam_size=1, max_length=8)
    cached = head.decode(enc, enc_lens, options)  # left-padded batch, KV cache
    for i, hyp in enumerate(cached):
        steps = min(8, int(enc_lens[i]))  # max_length_ratio 1: an utterance's own frames, not the batch's, cap it
        assert hyp.tokens == greedy_without_cache(head, enc[i : i + 1, : enc_lens[i]], enc_lens[i : i + 1], steps)
        assert hyp.timings["first_token_seconds"] > 0
    assert any(len(h.tokens) > 2 for h in cached)  # the comparison covered several steps
    beams = head.decode(enc, enc_lens, DecodingOptions(beam_size=3, max_length=8))
    for i, hyp in enumerate(beams):
        alone = head.decode(enc[i : i + 1], enc_lens[i : i + 1], DecodingOptions(beam_size=3, max_length=8))[0]
        assert hyp.tokens == alone.tokens


@pytest.mark.parametrize("adapter_output", ["continuous", "vocabulary", "ctc"])
def test_decoding_runs_the_adapter_once(lm_spec, adapter_output, monkeypatch):
    head = make_head(lm_spec, text_position=40, adapter_output=adapter_output).eval()
    speech, calls = head.speech, []
    monkeypatch.setattr(head, "speech", lambda *args: calls.append(args) or speech(*args))
    head.decode(*encoder_batch(), DecodingOptions(beam_size=2, max_length=4))
    assert len(calls) == 1  # the search starts from the speech tokens decode() counted for the LM's room


@pytest.mark.parametrize("text_position", [None, 40])
def test_loss_covers_transcript_and_eos_and_ignores_padding(lm_spec, text_position):
    head = make_head(lm_spec, text_position=text_position).eval()
    enc, enc_lens = encoder_batch()
    tokens = torch.tensor([[5, 6, 7, 8], [9, 10, 0, 0], [11, 0, 0, 0]])
    lens = torch.tensor([4, 2, 1])
    batch_loss = head(enc, enc_lens, {"tokens": tokens, "token_lens": lens})["loss"]
    singles = [head(enc[i : i + 1, : enc_lens[i]], enc_lens[i : i + 1],
                    {"tokens": tokens[i : i + 1, : lens[i]], "token_lens": lens[i : i + 1]})["loss"] for i in range(3)]
    targets = (lens + 1).float()  # the labels and eos
    torch.testing.assert_close(batch_loss, (torch.stack(singles) * targets).sum() / targets.sum(), atol=1e-5,
                               rtol=1e-5)
    tokens[1, 2:] = 13  # padding ids do not matter
    torch.testing.assert_close(head(enc, enc_lens, {"tokens": tokens, "token_lens": lens})["loss"], batch_loss)


def test_text_position_never_overlaps_the_speech(lm_spec):
    head = make_head(lm_spec, text_position=7)  # [bos the][6, 3, 1 speech tokens][cat]: 9, 6 and 4 positions
    _, mask, positions, text_start = head.lay_out(*head.speech(*encoder_batch())[:2], head.suffix_ids)
    assert text_start.tolist() == [9, 7, 7]  # the first utterance's context is longer than text_position
    for row, valid in zip(positions, mask, strict=True):
        assert row[valid].tolist() == sorted(set(row[valid].tolist()))  # strictly increasing
    assert (positions.masked_fill(~mask, -1).amax(dim=1) == text_start - 1).all()  # the suffix ends just before


def test_training_leaves_out_utterances_beyond_the_lm_positions(lm_spec, caplog):
    positions = make_head(lm_spec).lm.max_positions  # 128 (gpt, gpt2) or 2048 (llama)
    head = make_head(lm_spec, text_position=positions - 28).eval()  # 28 transcript tokens fit
    enc, enc_lens = encoder_batch()
    tokens = torch.arange(5, 5 + 3 * 30).view(3, 30) % 90 + 5
    lens = torch.tensor([28, 29, 3])  # the second needs 129 positions
    batch = {"tokens": tokens, "token_lens": lens, "texts": ["a", "b", "c"]}
    assert head.drop_too_long(head.speech(enc, enc_lens), enc, enc_lens, batch)[3]["texts"] == ["a", "c"]
    loss = head(enc, enc_lens, batch)["loss"]
    kept = [0, 2]
    expected = head(enc[kept], enc_lens[kept], {"tokens": tokens[kept, :28], "token_lens": lens[kept]})["loss"]
    torch.testing.assert_close(loss, expected)
    assert f"1 utterance(s) left out of the loss, needing up to {positions + 1} LM positions (the LM has {positions})" \
        in caplog.text
    alone = head(enc[1:2], enc_lens[1:2], {"tokens": tokens[1:2], "token_lens": lens[1:2]})["loss"]
    assert alone.item() == 0.0 and alone.requires_grad  # a batch with nothing left trains nothing


def test_frozen_lm_trains_only_the_qformer(lm_spec):
    head = make_head(lm_spec)
    trainable = {n for n, p in head.named_parameters() if p.requires_grad}
    assert trainable and all(n.startswith("qformer.") for n in trainable)
    head.train()
    assert head.qformer.training and not head.lm.training  # a frozen LM never runs dropout


def test_lora_changes_only_adapter_weights(lm_spec):
    head = make_head(lm_spec, finetune="lora",
                     lora={"rank": 4, "alpha": 8, "dropout": 0.0, "target_modules": LORA_TARGETS[lm_spec["kind"]]})
    lm_before = {k: v.clone() for k, v in head.lm.state_dict().items()}
    assert any("lora_" in k for k in lm_before)
    optimizer = torch.optim.AdamW([p for p in head.parameters() if p.requires_grad], lr=1e-2)
    enc, enc_lens = encoder_batch()
    batch = {"tokens": torch.tensor([[5, 6, 7], [8, 9, 0], [10, 0, 0]]), "token_lens": torch.tensor([3, 2, 1])}
    head.train()
    for _ in range(2):  # LoRA's B starts at zero, so A only moves from the second step
        optimizer.zero_grad()
        head(enc, enc_lens, batch)["loss"].backward()
        optimizer.step()
    changed = {k for k, v in head.lm.state_dict().items() if not torch.equal(v, lm_before[k])}
    assert changed and all("lora_" in k for k in changed), sorted(changed)[:5]
    assert any("lora_A" in k for k in changed) and any("lora_B" in k for k in changed)


def test_state_dict_rebuilds_the_head_without_the_lm_files(lm_spec, tmp_path):
    head = make_head(lm_spec).eval()
    arch = read_arch(lm_spec["source"], lm_spec["path"])
    moved = {**lm_spec, "path": str(tmp_path / "gone"), "arch": arch}
    rebuilt = make_head(moved, seed=5)
    assert rebuilt.tokenizer is None
    rebuilt.load_state_dict(head.state_dict())
    rebuilt.eval()
    assert rebuilt.tokenizer.to_tensor().equal(head.tokenizer.to_tensor())
    assert (rebuilt.prefix_ids, rebuilt.suffix_ids, rebuilt.eos_id) == (head.prefix_ids, head.suffix_ids, head.eos_id)
    enc, enc_lens = encoder_batch()
    options = DecodingOptions(beam_size=2, max_length=6)
    assert [h.tokens for h in rebuilt.decode(enc, enc_lens, options)] == [
        h.tokens for h in head.decode(enc, enc_lens, options)]


@pytest.mark.parametrize(("adapter_output", "scored"), [("vocabulary", [6, 3, 1]), ("ctc", [22, 9, 3])])
def test_vocabulary_adapters_feed_the_lm_mixtures_of_its_own_embeddings(lm_spec, adapter_output, scored):
    head = make_head(lm_spec, adapter_output=adapter_output)
    assert (head.qformer is None) == (adapter_output == "ctc")  # ctc scores the encoder frames themselves
    enc, enc_lens = encoder_batch()
    speech = head.speech(enc, enc_lens)
    assert speech.ctc_lengths.tolist() == scored  # vocabulary: one query per window of 4 frames
    assert speech.log_probs.shape[-1] == head.lm.vocab_size + 1  # the LM's pieces and a blank
    assert (speech.lengths <= speech.ctc_lengths).all()
    with torch.no_grad():
        head.ctc.proj.bias[head.ctc.blank] = -1e4  # never blank: each query's best path token is kept
    speech = head.speech(enc, enc_lens)
    weights = speech.log_probs[0, 0, :-1].softmax(-1)  # the first query is a convex mix of the LM's embeddings
    vocab = head.lm.embed(torch.arange(head.lm.vocab_size))
    torch.testing.assert_close(speech.tokens[0, 0], weights @ vocab)

    batch = {"tokens": torch.tensor([[5, 6, 7], [8, 9, 0], [10, 0, 0]]), "token_lens": torch.tensor([3, 2, 1])}
    enc.requires_grad_()
    out = head.train()(enc, enc_lens, batch)
    out["loss"].backward()
    assert out["ctc_loss"] > 0 and out["lm_loss"] > 0
    assert head.ctc.proj.weight.grad.abs().sum() > 0 and enc.grad.abs().sum() > 0
    lm_only = make_head(lm_spec, adapter_output=adapter_output)
    lm_only.ctc_weight = 0.0  # the LM's loss alone still reaches the adapter and the encoder, through the mixtures
    enc.grad = None
    lm_only.train()(enc, enc_lens, batch)["loss"].backward()
    assert lm_only.ctc.proj.weight.grad.abs().sum() > 0 and enc.grad.abs().sum() > 0


@pytest.mark.parametrize("adapter_output", ["vocabulary", "ctc"])
def test_vocabulary_adapters_are_bounded_by_their_collapsed_speech_tokens(lm_spec, adapter_output, caplog,
                                                                         monkeypatch):
    head = make_head(lm_spec, adapter_output=adapter_output).eval()
    with torch.no_grad():
        head.ctc.proj.bias[head.ctc.blank] = 1e4  # every query blank: the LM gets no speech tokens at all
    enc, enc_lens = encoder_batch()
    room = head.lm.max_positions - int(head.text_start(torch.tensor([0])))
    lens = torch.tensor([room, room - 1, room + 1])  # the first two fit only because no query is kept
    batch = {"tokens": torch.full((3, room + 1), 5), "token_lens": lens, "texts": ["a", "b", "c"]}
    _, _, _, kept = head.drop_too_long(head.speech(enc, enc_lens), enc, enc_lens, batch)
    assert kept["texts"] == ["a", "b"]
    assert f"needing up to {head.lm.max_positions + 1} LM positions" in caplog.text
    assert head.speech(enc, enc_lens).lengths.tolist() == [0, 0, 0]

    limits = []  # decoding is limited by each utterance's room left in the LM, not by its query count
    monkeypatch.setattr(llm, "beam_search", lambda *args, **kwargs: limits.append(args[4]) or [])
    options = DecodingOptions(max_length=10 * room, max_length_ratio=10 * room)
    head.decode(enc, enc_lens, options)
    with torch.no_grad():
        head.ctc.proj.bias[head.ctc.blank] = -1e4  # now no query is blank
    kept = head.speech(enc, enc_lens).lengths
    assert (kept > 0).all()
    head.decode(enc, enc_lens, options)
    assert limits == [[room] * 3, (room - kept).tolist()]


def test_max_lengths_take_one_cap_or_one_per_utterance():
    options = DecodingOptions(max_length=10, max_length_ratio=2.0)
    enc_lens = torch.tensor([1, 4, 8])
    assert options.max_lengths(enc_lens) == [2, 8, 10]
    assert options.max_lengths(enc_lens, 6) == [2, 6, 6]
    assert options.max_lengths(enc_lens, [0, 3, 20]) == [1, 3, 10]  # never below one token


def test_vocabulary_adapters_need_ctc(lm_spec):
    for adapter_output in ("vocabulary", "ctc"):
        with pytest.raises(ValueError, match=f"adapter_output={adapter_output} .* model.ctc_weight > 0"):
            LLMHead(24, 0, {k: v for k, v in lm_spec.items() if k != "kind"}, adapter_output=adapter_output)
    with pytest.raises(ValueError, match="'continuous', 'vocabulary', 'ctc'"):
        LLMHead(24, 0, {k: v for k, v in lm_spec.items() if k != "kind"}, adapter_output="embeddings")
