"""What the LM reads against what it writes: the WER of the CTC compressor's own best path.

    .venv/bin/python experiments/llm_ctc/read_path.py CHECKPOINT OUT_DIR [--manifest data/builtin/test.jsonl]

The LLM head with ``model.adapter_output=ctc`` hands its LM the collapsed CTC best path over the LM's
pieces. This decodes that path as text (the head's CTC layer on its own, greedy, with the LM's tokenizer)
and writes ``hyps.jsonl`` and ``metrics.json`` into OUT_DIR, so that ``python -m asrbench compare OUT_DIR
RUN`` tells whether the LM corrects its input or adds errors to it.
"""

import argparse
import os

from asrbench.evaluation.evaluate import evaluate_manifest, write_results
from asrbench.models.heads.llm import LLMHead
from asrbench.models.heads.options import DecodingOptions
from asrbench.training.checkpoint import load_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("out_dir")
    parser.add_argument("--manifest", default=os.path.join(os.environ.get("ASRBENCH_DATA", "data"), "builtin",
                                                           "test.jsonl"))
    args = parser.parse_args()
    model, _ = load_model(args.checkpoint)
    if not (isinstance(model.head, LLMHead) and model.head.qformer is None):  # adapter_output=ctc has no Q-Former
        parser.error(f"{args.checkpoint} is not an LLM head with model.adapter_output=ctc")
    model.head = model.head.ctc  # the best path the LM reads, spelled with the LM's tokenizer
    records, metrics = evaluate_manifest(model, args.manifest, DecodingOptions())
    print(f"{metrics['wer']:.2%} WER, {metrics['cer']:.2%} CER over {metrics['utterances']} utterances")
    write_results(args.out_dir, records, metrics)


if __name__ == "__main__":
    main()
