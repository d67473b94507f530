"""kill -9 a training run mid-epoch, resume it, and compare with an uninterrupted run of the same command.

    python experiments/robustness/kill_resume.py [--corpus data/builtin] [--out runs/robustness]

Three runs of one small CTC configuration on the built-in corpus (a 300-utterance subset, 3 epochs):
  A   uninterrupted
  A2  uninterrupted again (determinism: same seed -> same hyps.jsonl and WER)
  B   killed with SIGKILL after its first mid-epoch checkpoint, then rerun with resume=true
Prints which artefacts are bit-identical and writes results.json next to the runs.
"""

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch


def train_command(corpus: Path, run_dir: Path, train_manifest: Path, extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "asrbench", "train", f"corpus.out_dir={corpus}",
            f"data.train_manifest={train_manifest}", "encoder=transformer_xs", "trainer.max_epochs=3",
            "checkpoint_every_n_steps=7", "data.batch_seconds=60", "optim.warmup_steps=10", "threads=1",
            "bench.enabled=false", f"hydra.run.dir={run_dir}", *extra]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def final_weights(run_dir: Path) -> dict[str, torch.Tensor]:
    return torch.load(run_dir / "checkpoints" / "last.ckpt", weights_only=True)["state_dict"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("data/builtin"))
    parser.add_argument("--out", type=Path, default=Path("runs/robustness"))
    parser.add_argument("--utterances", type=int, default=300)
    args = parser.parse_args()
    if not (args.corpus / "train.jsonl").is_file():
        subprocess.run([sys.executable, "-m", "asrbench", "data", "synth", f"corpus.out_dir={args.corpus}"],
                       check=True)
    args.out.mkdir(parents=True, exist_ok=True)
    subset = args.out / "train_subset.jsonl"
    lines = (args.corpus / "train.jsonl").read_text().splitlines()[: args.utterances]
    subset.write_text("".join(line.replace('"audio": "', f'"audio": "{args.corpus.resolve()}/') + "\n"
                              for line in lines))
    runs = {name: args.out / name for name in ("A", "A2", "B")}
    for name in ("A", "A2"):
        subprocess.run(train_command(args.corpus, runs[name], subset, ["overwrite=true"]), check=True)

    command = train_command(args.corpus, runs["B"], subset, ["overwrite=true"])
    last = runs["B"] / "checkpoints" / "last.ckpt"
    last.unlink(missing_ok=True)
    process = subprocess.Popen(command)
    while not last.exists() and process.poll() is None:
        time.sleep(0.2)
    time.sleep(1.0)  # let training move past the checkpoint, so the kill loses work that resume must redo
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = torch.load(last, weights_only=True)["global_step"]
    print(f"killed run B with SIGKILL; last.ckpt holds step {killed_at}")
    subprocess.run(train_command(args.corpus, runs["B"], subset, ["resume=true"]), check=True)

    a, a2, b = (final_weights(runs[n]) for n in ("A", "A2", "B"))
    metrics = {n: json.loads((runs[n] / "metrics.json").read_text()) for n in runs}
    results = {
        "killed_at_step": killed_at,
        "steps": {n: metrics[n]["steps"] for n in runs},
        "wer": {n: metrics[n]["wer"] for n in runs},
        "hyps_sha": {n: sha(runs[n] / "hyps.jsonl") for n in runs},
        "determinism_identical_hyps": sha(runs["A"] / "hyps.jsonl") == sha(runs["A2"] / "hyps.jsonl"),
        "determinism_identical_weights": all(torch.equal(a[k], a2[k]) for k in a),
        "resume_identical_hyps": sha(runs["A"] / "hyps.jsonl") == sha(runs["B"] / "hyps.jsonl"),
        "resume_identical_weights": all(torch.equal(a[k], b[k]) for k in a),
        "resume_max_weight_difference": max(float((a[k].float() - b[k].float()).abs().max()) for k in a),
    }
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
