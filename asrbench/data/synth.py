"""The built-in English corpus: fortune sentences read by espeak-ng, flite and festival voices, as 16 kHz FLAC.

``test`` is read by voices held out of ``train`` and ``dev`` (whole espeak variants in every accent,
plus flite's rms) and each split has its own sentences, so the test set measures generalisation to
unseen speakers and unseen text. Training voices of flite and festival are few, so each training
utterance of theirs can be warped (its spectrum and pitch scaled by a random factor, as a shorter or
longer vocal tract would) to make more speakers of them; test audio is never warped. Every utterance
draws its voice, rate and pitch from its own RNG seeded by (seed, split, index): the corpus depends on
the seed only, not on workers or timing."""

import json
import random
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf
import torch
import torchaudio
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from asrbench.audio.io import load_audio, save_audio
from asrbench.data.manifest import Utterance, write_manifest
from asrbench.data.sentences import FORTUNE_DIR, Sentence, load_sentences
from asrbench.text.normalizer import NAME as NORMALIZER

SPLITS = ("train", "dev", "test")
CORPUS_VERSION = 1  # bump when a change alters the audio, so cached corpora are rebuilt

ESPEAK_ACCENTS = (
    "en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029",
    "en-us-nyc",
)
# Human-sounding variants only: the whisper, robot, echo, croak and "Demonic" ones are left out
# (their audio is mostly aperiodic or heavily processed).
ESPEAK_VARIANTS = (
    "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt2", "klatt3",
    "Alex", "Andy", "Annie", "Gene", "Mike", "antonio", "belinda", "linda", "steph", "travis", "david",
    "edward", "max", "michel", "Andrea", "anika",
)
ESPEAK_TEST_VARIANTS = ("m3", "f4", "klatt3", "Mike", "linda")  # 5 of 32, 2 of them female
FLITE_VOICES = ("kal", "kal16", "awb", "rms", "slt")  # awb_time is limited-domain (it only says times)
FLITE_TEST_VOICES = ("rms",)
# Training voices only (with festival=true): a new speaker (ked) and slt through HTS, not flite's vocoder.
FESTIVAL_VOICES = ("ked_diphone", "cmu_us_slt_arctic_hts")
FESTIVAL_PACKAGES = "festival festvox-kdlpc16k festvox-us-slt-hts"  # Debian's festival and those voices

ESPEAK_RATE = (140, 200)  # words per minute
ESPEAK_PITCH = (30, 70)  # 0-99, 50 is the variant's own pitch
FLITE_STRETCH = (0.85, 1.2)  # duration_stretch, > 1 is slower
FLITE_F0_SHIFT = (0.85, 1.15)  # factor on the voice's mean F0 (rms ignores it)
FESTIVAL_STRETCH = (0.85, 1.2)  # Duration_Stretch (the HTS voice ignores it)

@dataclass(frozen=True)
class Job:
    split: str
    id: str
    sentence: Sentence
    voice: str  # "espeak:en-gb+f3", "flite:slt" or "festival:ked_diphone"
    rate: float  # espeak: words per minute; flite, festival: duration stretch
    pitch: float  # espeak: 0-99; flite: F0 factor; festival: unused (1.0)
    warp: float = 1.0  # frequency (and tempo) factor applied to the audio; rate is kept


def voice_pools(festival: bool = False) -> dict[str, list[str]]:
    """Voice names per split; train and dev share theirs, test's are disjoint from both."""
    pools: dict[str, list[str]] = {"train": [], "test": []}
    for variant in ESPEAK_VARIANTS:
        split = "test" if variant in ESPEAK_TEST_VARIANTS else "train"
        pools[split] += [f"espeak:{accent}+{variant}" for accent in ESPEAK_ACCENTS]
    for voice in FLITE_VOICES:
        pools["test" if voice in FLITE_TEST_VOICES else "train"].append(f"flite:{voice}")
    if festival:
        pools["train"] += [f"festival:{voice}" for voice in FESTIVAL_VOICES]
    return {"train": pools["train"], "dev": pools["train"], "test": pools["test"]}


def partition_sentences(
    sentences: list[Sentence], n_dev: int, n_test: int, seed: int
) -> dict[str, list[Sentence]]:
    """Disjoint sentence pools: ``n_test`` and ``n_dev`` sentences for test and dev, the rest for train."""
    shuffled = list(sentences)
    random.Random(seed).shuffle(shuffled)
    dev_end = n_test + n_dev
    return {"test": shuffled[:n_test], "dev": shuffled[n_test:dev_end], "train": shuffled[dev_end:]}


def plan_corpus(
    pools: dict[str, list[Sentence]],
    sizes: dict[str, int],
    seed: int,
    festival: bool = False,
    warp: tuple[float, float] = (1.0, 1.0),
) -> dict[str, list[Job]]:
    """The utterances of every split (sentence, voice, rate, pitch, warp), drawn from its sentence pool."""
    # Pick a voice family (an espeak variant, a flite or festival voice) first, then its accent, so
    # the few flite and festival voices are not drowned out by espeak's variants x accents.
    families: dict[str, dict[str, list[str]]] = {}
    for split, voices in voice_pools(festival).items():
        for voice in voices:
            families.setdefault(split, {}).setdefault(voice.split("+")[-1], []).append(voice)
    plan = {}
    for split in SPLITS:
        if sizes[split] > len(pools[split]):
            raise ValueError(
                f"{split} asks for {sizes[split]} utterances but only {len(pools[split])} "
                f"of the {sum(map(len, pools.values()))} sentences are left for it"
            )
        jobs = []
        for index in range(sizes[split]):
            rng = random.Random(f"{seed}/{split}/{index}")
            voice = rng.choice(rng.choice(list(families[split].values())))
            engine = voice.split(":")[0]
            if engine == "espeak":
                rate, pitch = rng.randint(*ESPEAK_RATE), rng.randint(*ESPEAK_PITCH)
            elif engine == "flite":
                rate, pitch = round(rng.uniform(*FLITE_STRETCH), 3), round(rng.uniform(*FLITE_F0_SHIFT), 3)
            else:
                rate, pitch = round(rng.uniform(*FESTIVAL_STRETCH), 3), 1.0
            # Drawn only when warping, so corpora without it keep the utterances they always had.
            warped = engine != "espeak" and split != "test" and warp != (1.0, 1.0)
            factor = round(rng.uniform(*warp), 2) if warped else 1.0
            jobs.append(Job(split, f"{split}_{index:06d}", pools[split][index], voice, rate, pitch, factor))
        plan[split] = jobs
    return plan


def warp_audio(audio: torch.Tensor, factor: float) -> torch.Tensor:
    """Scale every frequency (formants and pitch) by ``factor`` and the duration by 1 / ``factor``."""
    if factor == 1.0:
        return audio
    # Resampled by 1 / factor and played at the original rate, every frequency moves by the factor.
    return torchaudio.functional.resample(audio, orig_freq=round(factor * 100), new_freq=100)


def synthesize(job: Job, path: Path, sample_rate: int = 16000) -> None:
    """Read ``job`` aloud into ``path`` (mono, ``sample_rate``), written atomically."""
    engine, voice = job.voice.split(":", 1)
    wav = path.with_name(path.stem + ".tts.wav")
    stretch = round(job.rate * job.warp, 4)  # the warp shortens the audio by its factor: speak slower first
    if engine == "espeak":
        cmd = ["espeak-ng", "-v", voice, "-s", str(job.rate), "-p", str(job.pitch), "-w", str(wav), "--stdin"]
    elif engine == "flite":
        cmd = ["flite", "-voice", voice, "--setf", f"duration_stretch={stretch}",
               "--setf", f"f0_shift={job.pitch}", "-t", job.sentence.spoken, "-o", str(wav)]
    else:
        cmd = ["text2wave", "-eval", f"(voice_{voice})", "-eval", f"(Parameter.set 'Duration_Stretch {stretch})",
               "-o", str(wav)]
    try:
        result = subprocess.run(cmd, input=job.sentence.spoken, capture_output=True, text=True)
        if result.returncode != 0 or not wav.is_file():
            raise RuntimeError(f"{' '.join(cmd[:3])} failed for {job.id}: {result.stderr.strip()}")
        audio = _trim(warp_audio(load_audio(wav, sample_rate), job.warp), sample_rate)
    finally:
        wav.unlink(missing_ok=True)
    if audio.numel() < sample_rate // 10:
        raise RuntimeError(f"{job.voice} produced no audible speech for {job.id}: {job.sentence.spoken!r}")
    part = path.with_name(path.stem + ".part.flac")
    save_audio(part, audio.clamp(-1.0, 1.0), sample_rate)  # resampling can overshoot; ints would wrap
    part.replace(path)


def _trim(audio: torch.Tensor, sample_rate: int, margin: float = 0.1) -> torch.Tensor:
    loud = (audio.abs() > 0.02 * audio.abs().max()).nonzero()
    if len(loud) == 0:
        return audio[:0]
    pad = int(margin * sample_rate)
    return audio[max(int(loud[0]) - pad, 0): int(loud[-1]) + pad]


def build_corpus(
    out_dir: str | Path,
    n_train: int,
    n_dev: int,
    n_test: int,
    seed: int = 0,
    workers: int = 2,
    fortune_dir: str | Path = FORTUNE_DIR,
    sample_rate: int = 16000,
    festival: bool = False,
    warp: tuple[float, float] = (1.0, 1.0),
) -> dict[str, Path]:
    """Build (or reuse) the synthetic corpus in ``out_dir``; return split name -> manifest path.

    ``festival`` adds festival's voices to the training voices; ``warp`` is the range of the factor by
    which each flite and festival training utterance is warped (``warp_audio``; (1, 1): none).

    Writes ``{train,dev,test}.jsonl``, ``audio/{split}/{id}.flac``, ``lm_text.txt`` (the train
    partition's sentences, never dev/test ones) and ``corpus.json`` (parameters, voices, hours,
    tool versions). A finished build with the same parameters is returned as is; an interrupted
    one is completed, keeping the audio already written.
    """
    out_dir = Path(out_dir).resolve()
    sizes = {"train": n_train, "dev": n_dev, "test": n_test}
    warp = tuple(warp)
    if len(warp) != 2 or not 0.5 <= warp[0] <= warp[1] <= 2.0:
        raise ValueError(f"corpus.warp must be [low, high] with 0.5 <= low <= high <= 2, got {list(warp)}")
    voices = voice_pools(festival)  # dev shares train's
    params = {
        "version": CORPUS_VERSION, "seed": seed, "sizes": sizes, "sample_rate": sample_rate,
        "fortune_dir": str(fortune_dir), "voices": voices,
        "espeak_rate": ESPEAK_RATE, "espeak_pitch": ESPEAK_PITCH,
        "flite_stretch": FLITE_STRETCH, "flite_f0_shift": FLITE_F0_SHIFT,
    }
    # Only when used, so a corpus built before these options existed is still recognised as built.
    if festival:
        params["festival_stretch"] = FESTIVAL_STRETCH
    if warp != (1.0, 1.0):
        params["warp"] = warp
    params = json.loads(json.dumps(params))  # tuples -> lists, as they come back from corpus.json
    manifests = {split: out_dir / f"{split}.jsonl" for split in SPLITS}
    info_path = out_dir / "corpus.json"
    previous = json.loads(info_path.read_text()) if info_path.is_file() else None
    if previous is not None and previous.get("params") == params:
        if previous.get("complete") and all(path.is_file() for path in manifests.values()):
            return manifests
    elif previous is not None and not _same_audio(previous["params"], params):  # its audio is stale
        shutil.rmtree(out_dir / "audio", ignore_errors=True)
        for path in [*manifests.values(), out_dir / "lm_text.txt"]:
            path.unlink(missing_ok=True)

    tools = _check_tools(festival)
    pools = partition_sentences(load_sentences(fortune_dir), n_dev, n_test, seed)
    plan = plan_corpus(pools, sizes, seed, festival, warp)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_json(info_path, {"params": params, "complete": False})
    for split in SPLITS:
        (out_dir / "audio" / split).mkdir(parents=True, exist_ok=True)
        for stale in (out_dir / "audio" / split).glob("*.*.*"):  # temp files of an interrupted build
            stale.unlink()

    jobs = [job for split in SPLITS for job in plan[split]]
    paths = {job.id: out_dir / "audio" / job.split / f"{job.id}.flac" for job in jobs}
    todo = [job for job in jobs if not paths[job.id].is_file()]
    _run(todo, paths, workers, sample_rate)

    hours = {}
    for split in SPLITS:
        utterances = []
        for job in plan[split]:
            path = paths[job.id]
            duration = sf.info(str(path)).duration
            if duration <= 0:
                raise RuntimeError(f"{path} is empty")
            utterances.append(Utterance(job.id, path, job.sentence.text, round(duration, 3), job.voice))
        write_manifest(manifests[split], utterances)
        hours[split] = round(sum(u.duration for u in utterances) / 3600, 4)

    lm_text = out_dir / "lm_text.txt"
    lm_text.with_suffix(".part").write_text("".join(s.text + "\n" for s in pools["train"]), encoding="utf-8")
    lm_text.with_suffix(".part").replace(lm_text)
    _write_json(info_path, {
        "params": params, "complete": True, "normalizer": NORMALIZER, "tools": tools,
        "sentences": {split: len(pool) for split, pool in pools.items()},
        "hours": hours, "speakers_used": {s: len({job.voice for job in plan[s]}) for s in SPLITS},
    })
    return manifests


def _same_audio(old: dict, new: dict) -> bool:
    """Utterance i of a split depends on the seed, the dev/test sizes and the voice settings, not on
    how many training utterances there are: a corpus that only grows or shrinks keeps its audio."""
    def without_train_size(params: dict) -> dict:
        return {**params, "sizes": {**params["sizes"], "train": None}}

    return without_train_size(old) == without_train_size(new)


def _run(jobs: list[Job], paths: dict[str, Path], workers: int, sample_rate: int) -> None:
    if not jobs:
        return
    # Threads suffice: the TTS engines run in subprocesses and torch's resampling releases the GIL.
    columns = [TextColumn("synthesizing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns) as progress, ThreadPoolExecutor(max(workers, 1)) as pool:
        task = progress.add_task("synth", total=len(jobs))
        futures = [pool.submit(synthesize, job, paths[job.id], sample_rate) for job in jobs]
        try:
            for future in as_completed(futures):
                future.result()
                progress.advance(task)
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _check_tools(festival: bool = False) -> dict[str, str]:
    versions = {}
    if festival:
        versions["festival"] = _check_festival()
    for tool in ("espeak-ng", "flite"):  # the Debian packages have the same names
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed; install it with: apt-get install {tool}")
        out = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout.splitlines()
        versions[tool] = next((line.strip() for line in out if "version" in line or "NG" in line), "unknown")
    listed = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True, text=True).stdout
    missing = sorted(set(ESPEAK_VARIANTS) - set(re.findall(r"!v/(\S+)", listed)))
    if missing:  # espeak-ng silently falls back to its default voice, which would mislabel speakers
        raise RuntimeError(f"espeak-ng lacks the voice variants {missing}; install the full espeak-ng-data")
    return versions


def _check_festival() -> str:
    if shutil.which("text2wave") is None:
        raise RuntimeError(f"corpus.festival=true needs festival; install it with: apt-get install {FESTIVAL_PACKAGES}")
    listed = subprocess.run(["festival", "--pipe"], input="(print (voice.list))", capture_output=True, text=True)
    missing = sorted(set(FESTIVAL_VOICES) - set(re.findall(r"[\w]+", listed.stdout)))
    if missing:
        raise RuntimeError(f"festival lacks the voices {missing}; install them with: "
                           f"apt-get install {FESTIVAL_PACKAGES}")
    version = subprocess.run(["festival", "--version"], capture_output=True, text=True).stdout.strip()
    return version or "unknown"


def _write_json(path: Path, data: dict) -> None:
    part = path.with_suffix(".part")
    part.write_text(json.dumps(data, indent=2) + "\n")
    part.replace(path)
