"""Tiny language models written to temp folders: a built-in GPT checkpoint and HF Llama/GPT-2 folders."""

from pathlib import Path

import torch

from asrbench.models.lm.gpt import GPT, save_gpt
from asrbench.text.tokenizer import SentencePieceTokenizer

SENTENCES = ["the cat sat on the mat", "a dog ran in the park", "we like to read good books",
             "it is a fine day today", "she sings songs all night long", "do not forget your keys"]


def tiny_gpt(path: Path, seed: int = 0, texts: list[str] | None = None) -> Path:
    """A random 2-layer GPT with a small BPE sentencepiece tokenizer, saved as ``python -m asrbench lm`` does."""
    torch.manual_seed(seed)
    tokenizer = SentencePieceTokenizer.train(texts or SENTENCES * 20, vocab_size=120, model_type="bpe")
    return save_gpt(path, GPT(tokenizer.vocab_size, dim=32, layers=2, heads=2, max_positions=128), tokenizer)


def tiny_hf(folder: Path, kind: str = "llama", seed: int = 0) -> Path:
    """A random tiny Llama or GPT-2 with a tokenizer.json built by the ``tokenizers`` library."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import AutoModelForCausalLM, GPT2Config, LlamaConfig

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    tokenizer.train_from_iterator(SENTENCES * 20, trainers.BpeTrainer(
        vocab_size=100, special_tokens=["<unk>", "<s>", "</s>"], show_progress=False))
    vocab = tokenizer.get_vocab_size() + 4  # padded, as real LMs often are: the head must never emit these
    if kind == "llama":
        config = LlamaConfig(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                             num_attention_heads=4, num_key_value_heads=2, bos_token_id=1, eos_token_id=2)
    else:
        config = GPT2Config(vocab_size=vocab, n_embd=32, n_layer=2, n_head=2, n_positions=128,
                            bos_token_id=1, eos_token_id=2)
    torch.manual_seed(seed)
    AutoModelForCausalLM.from_config(config).save_pretrained(folder)
    tokenizer.save(str(folder / "tokenizer.json"))
    return folder
