"""Generated words of the program: paper and talk titles, abstracts, speakers' bios.

Everything is assembled from the vocabulary of a systems-for-ML conference, drawn from the
``random.Random`` it is given, so the same generator state gives the same text.
"""

from __future__ import annotations

import itertools
import random

from devtools.devdata.names import UNIVERSITIES
from program.models import Person

# The word lists stay packed, several to a line.
# fmt: off
TOPICS = [
    "LLM serving", "speculative decoding", "KV-cache compression", "mixture-of-experts training",
    "pipeline parallelism", "sparse attention", "quantized inference", "federated learning",
    "GPU kernel fusion", "compiler autotuning", "memory offloading", "cluster scheduling",
    "data loading", "graph neural network training", "recommendation models",
    "on-device learning", "checkpointing", "structured generation", "prefix caching",
    "collective communication", "retrieval-augmented generation", "diffusion model inference",
    "fault tolerance", "energy efficiency",
]
CONTEXTS = [
    "for long-context inference", "at datacenter scale", "on commodity GPUs", "on edge devices",
    "across heterogeneous clusters", "under memory pressure", "with provable guarantees",
    "in multi-tenant clusters",
]
GERUNDS = [
    "Accelerating", "Scaling", "Rethinking", "Taming", "Serving", "Compiling", "Balancing",
    "Profiling", "Compressing",
]
TECHNIQUES = [
    "learned cost models", "asynchronous pipelining", "adaptive batching",
    "tensor rematerialization", "lossless compression", "operator fusion", "dynamic sparsity",
    "low-rank adapters", "tiered memory", "elastic resharding",
]
WORKLOADS = [
    "large language models", "recommendation models", "diffusion models", "graph neural networks",
    "vision transformers", "speech models",
]
GAINS = ["throughput", "goodput", "tokens per second", "training speed"]
COSTS = ["tail latency", "time to first token", "memory footprint", "energy use", "cost per query"]
BASELINES = ["vLLM", "DeepSpeed", "Megatron-LM", "PyTorch FSDP", "TensorRT-LLM", "XLA", "TVM"]
BENCHMARKS = ["ShareGPT traces", "MLPerf", "production traces", "LongBench", "twelve open models"]
SYSTEM_START = [
    "Flash", "Spec", "Tile", "Hydra", "Zip", "Mega", "Turbo", "Quant", "Pipe", "Shard", "Lumen",
    "Nimbus", "Orca", "Helix", "Ember",
]
SYSTEM_END = [
    "MoE", "Serve", "Attn", "Cache", "Train", "Flow", "Graph", "Tune", "Sched", "Kernel", "Mem",
    "Opt",
]
SMALL_WORDS = frozenset(
    ["a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with", "without"]
)
ROLES = ["professor of computer science", "associate professor", "principal scientist"]
# fmt: on


def title_case(text: str) -> str:
    """Capitals, short words aside: "learning at scale" -> "Learning at Scale"."""

    def word_case(word: str, first: bool) -> str:
        if not first and word in SMALL_WORDS:
            return word
        return word[:1].upper() + word[1:]

    words = text.split(" ")
    return " ".join(
        "-".join(word_case(part, first=n == 0 and k == 0) for k, part in enumerate(word.split("-")))
        for n, word in enumerate(words)
    )


def paper_title(rng: random.Random, topic: str | None = None) -> str:
    topic = topic or rng.choice(TOPICS)
    pattern = rng.randrange(4)
    if pattern == 0:
        text = f"{system_name(rng)}: {rng.choice(GERUNDS)} {topic} {rng.choice(CONTEXTS)}"
    elif pattern == 1:
        text = f"{rng.choice(GERUNDS)} {topic} with {rng.choice(TECHNIQUES)}"
    elif pattern == 2:
        text = f"on the {rng.choice(COSTS)} of {topic} {rng.choice(CONTEXTS)}"
    else:
        text = f"{system_name(rng)}: {rng.choice(TECHNIQUES)} for {topic}"
    return title_case(text)


def plenary_title(rng: random.Random) -> str:
    opening = rng.choice(["the road to", "what we learned from", "the next decade of"])
    return title_case(f"{opening} {rng.choice(TOPICS)}")


def system_name(rng: random.Random) -> str:
    return rng.choice(SYSTEM_START) + rng.choice(SYSTEM_END)


def abstract(rng: random.Random) -> str:
    """100 to 250 words; some TeX, some emphasis, now and then a URL or a cut-off end."""
    system, topic, other = system_name(rng), *rng.sample(TOPICS, 2)
    name = f"*{system}*" if rng.random() < 0.5 else system
    speedup = f"{rng.randint(11, 90) / 10}"
    speedup = f"${speedup}\\times$" if rng.random() < 0.4 else f"{speedup}×"
    opening = [
        f"{rng.choice(WORKLOADS).capitalize()} are increasingly limited by {topic}.",
        f"We present {name}, a system for {topic} that relies on {rng.choice(TECHNIQUES)}.",
    ]
    body = _body_sentences(rng, system=system, topic=topic, other=other)
    results = (
        f"On {rng.choice(BENCHMARKS)}, {system} improves {rng.choice(GAINS)} by {speedup}"
        f" over {rng.choice(BASELINES)} and reduces {rng.choice(COSTS)} by"
        f" {rng.randint(10, 60)}%."
    )
    # Sentences from the body, in turn, until the abstract (with its results) has its length.
    target = rng.randint(100, 210) - len(results.split())
    sentences = list(opening)
    count = sum(len(sentence.split()) for sentence in sentences)
    for sentence in itertools.cycle(body):
        if count >= target:
            break
        sentences.append(sentence)
        count += len(sentence.split())
    sentences.append(results)
    if rng.random() < 0.1:
        sentences.append(f"Code is available at https://github.com/example/{system.lower()}.")
    words = " ".join(sentences).split()
    if rng.random() < 0.07:
        # Abstracts copied from a listing are sometimes cut off mid-sentence.
        words = words[: rng.randint(100, len(words))]
        words[-1] = words[-1].rstrip(".,;:") + "…"
    return " ".join(words)


def _body_sentences(rng: random.Random, *, system: str, topic: str, other: str) -> list[str]:
    """The middle of an abstract, shuffled; the abstract takes as many as its length needs."""
    body = [
        f"Existing systems treat {topic} and {other} separately, which leaves much of the"
        " hardware idle and makes performance hard to predict.",
        f"{system} splits each request into stages and schedules them across devices to"
        " balance compute, memory and communication.",
        f"The key insight is that {other} exposes structure that existing schedulers ignore.",
        f"Surprisingly, the bottleneck is *not* compute but {rng.choice(COSTS)}, which"
        " grows with the number of concurrent requests.",
        f"We implement {system} on top of {rng.choice(BASELINES)} and evaluate it on"
        f" {rng.choice((8, 16, 64, 256))} GPUs.",
        f"We further show that {rng.choice(TECHNIQUES)} composes with"
        f" {rng.choice(TECHNIQUES)}, and we characterize the cases in which it does not help.",
        f"It keeps model accuracy unchanged and needs fewer than {rng.randint(2, 9) * 10}"
        " lines of changes to user code.",
        f"These results suggest that {topic} should be designed together with {other}"
        " rather than tuned in isolation.",
        f"A simple analytical model predicts when {rng.choice(TECHNIQUES)} pays off, and"
        " we use it to choose a configuration per workload at run time.",
        f"Unlike prior work, {system} needs no offline profiling and adapts as the mix of"
        f" {rng.choice(WORKLOADS)} changes during the day.",
    ]
    if rng.random() < 0.4:
        body.append(
            "Our scheduler runs in $O(n \\log n)$ time for $n$ requests and stays within a"
            " factor of $1 + \\epsilon$ of the optimum."
        )
    rng.shuffle(body)
    return body


def bio(rng: random.Random, person: Person) -> str:
    first, second = rng.sample(TOPICS, 2)
    return (
        f"{person.name} is a {rng.choice(ROLES)} at {person.affiliation}. Their research spans"
        f" {first} and {second}, and systems from their group run in production at several"
        f" companies. They received a PhD from {rng.choice(UNIVERSITIES)}."
    )
