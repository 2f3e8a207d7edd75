"""The limits a sandboxed run is held to, as its verification record states them."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    wall_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_bytes: int = 2048 * MiB
    output_bytes: int = 16 * MiB

    def as_record(self) -> dict[str, float | int]:
        """The limits as a verification record states them."""
        return {
            "wall_seconds": self.wall_seconds,
            "cpu_seconds": self.cpu_seconds,
            "memory_bytes": self.memory_bytes,
            "output_bytes": self.output_bytes,
        }

    def describe(self) -> str:
        return (
            f"wall {self.wall_seconds:g} s, CPU {self.cpu_seconds} s per process, "
            f"memory {size(self.memory_bytes)} per process, output {size(self.output_bytes)}"
        )


def size(count: int) -> str:
    return f"{count / MiB:g} MiB" if count % (MiB // 16) == 0 else f"{count} bytes"
