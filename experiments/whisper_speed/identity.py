"""Check an imported Whisper checkpoint against openai-whisper with the same weights, utterance by utterance.

For each utterance of the manifest: max |log-Mel difference| (asrbench frontend vs log_mel_spectrogram +
pad_or_trim), max |logit difference| (teacher-forced on openai-whisper's greedy output), and whether the
greedy token sequences are identical. Writes identity.json and prints a summary.

    python experiments/whisper_speed/identity.py --checkpoint tiny_en.ckpt --manifest data/builtin/test.jsonl
"""

import argparse
import json
from pathlib import Path

import torch
import whisper
from whisper.model import ModelDimensions, Whisper

from asrbench.audio.io import load_audio
from asrbench.data.manifest import read_manifest
from asrbench.models.heads.options import DecodingOptions
from asrbench.training.checkpoint import load_model, read_checkpoint
from asrbench.whisper.openai import to_openai

HERE = Path(__file__).resolve().parent


def compare(model, reference, audio: torch.Tensor, beam_size: int = 1) -> dict:
    """Differences between asrbench and openai-whisper on one waveform."""
    lengths = torch.tensor([len(audio)])
    options = whisper.DecodingOptions(language="en", without_timestamps=True, fp16=False,
                                      beam_size=None if beam_size == 1 else beam_size)
    with torch.no_grad():
        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio))
        features, feature_lens = model.frontend(audio[None], lengths)
        audio_features = reference.embed_audio(mel[None])
        theirs = whisper.decode(reference, audio_features[0], options)
        enc, enc_lens = model.encoder(features, feature_lens)
        ours = model.head.decode(enc, enc_lens, DecodingOptions(beam_size=beam_size))[0]
        tokens = torch.tensor([model.head.prompt + theirs.tokens])
        expected = reference.logits(tokens, audio_features)
        logits, _ = model.head.decoder(tokens, model.head.start(enc, enc_lens)[1])
    return {"mel_diff": (features[0] - mel).abs().max().item(), "logit_diff": (logits - expected).abs().max().item(),
            "identical": ours.tokens == theirs.tokens, "ours": model.tokenizer.decode(ours.tokens).strip(),
            "theirs": theirs.text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, default=Path("data/builtin/test.jsonl"))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--beam", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "identity.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model, _ = load_model(args.checkpoint)
    dims, state = to_openai(read_checkpoint(args.checkpoint))
    reference = Whisper(ModelDimensions(**dims)).eval()
    reference.load_state_dict(state)
    records = []
    for utterance in read_manifest(args.manifest)[: args.limit]:
        audio = torch.as_tensor(load_audio(utterance.audio)).float()
        records.append({"id": utterance.id, **compare(model, reference, audio, args.beam)})
        if not records[-1]["identical"]:
            print(f"DIFFERENT {utterance.id}: {records[-1]['ours']!r} vs {records[-1]['theirs']!r}", flush=True)
    summary = {"utterances": len(records), "identical": sum(r["identical"] for r in records),
               "max_mel_diff": max(r["mel_diff"] for r in records),
               "max_logit_diff": max(r["logit_diff"] for r in records), "beam": args.beam,
               "manifest": str(args.manifest), "torch": torch.__version__}
    args.out.write_text(json.dumps({"summary": summary, "records": records}, indent=1) + "\n")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
