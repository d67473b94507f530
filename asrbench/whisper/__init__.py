"""OpenAI Whisper weights in asrbench: ``python -m asrbench whisper import SRC out=FILE``.

Readers for openai-whisper ``.pt`` files, Hugging Face transformers folders and CTranslate2 (faster-whisper)
folders map every format onto openai-whisper's parameter names (which asrbench's encoder and decoder share);
``convert`` writes the result as an asrbench checkpoint with Whisper's decoding settings.
"""

from asrbench.whisper.convert import import_whisper, read_whisper

__all__ = ["import_whisper", "read_whisper"]
