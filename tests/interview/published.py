"""The published standard's interviewer sections, read straight from its text.

Independent of the YAML: these are what the interviewer screens are checked
against, so a slip in the data file shows up as a difference on the screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from seb.standard import Mode, load_standard
from tests.standard_text import question_blocks

OPTION = re.compile(r"^  (\d+)\. (.+)$")
HINT = re.compile(r"^    (\S.*)$")
BULLET = re.compile(r"^  • (.+)$")
INSTRUCTIONS = "Interviewer instructions and guidance"
INSTRUCTIONS_END = ("Routing information", "Question")

# A block of instructions: ("paragraph", (text,)), ("bullets", items) or ("numbered", items).
Block = tuple[str, tuple[str, ...]]


@dataclass
class PublishedQuestion:
    text: str
    options: list[str] = field(default_factory=list)  # "1. label" as printed
    hints: dict[int, str] = field(default_factory=dict)  # option number -> hint
    instructions: list[Block] = field(default_factory=list)

    @property
    def instruction_text(self) -> str:
        return " ".join(" ".join(items) for _, items in self.instructions)


def _add(blocks: list[Block], kind: str, text: str) -> None:
    if kind != "paragraph" and blocks and blocks[-1][0] == kind:
        blocks[-1] = (kind, (*blocks[-1][1], text))
    else:
        blocks.append((kind, (text,)))


def parse_block(block: str) -> PublishedQuestion:
    lines = [line for line in block.split("\n") if line.strip()]
    question = PublishedQuestion(text=lines[0])
    in_instructions = False
    for line in lines[1:]:
        if line == INSTRUCTIONS:
            in_instructions = True
        elif in_instructions:
            if line in INSTRUCTIONS_END:
                break
            if bullet := BULLET.match(line):
                _add(question.instructions, "bullets", bullet[1])
            elif numbered := OPTION.match(line):
                _add(question.instructions, "numbered", numbered[2])
            else:
                _add(question.instructions, "paragraph", line)
        elif option := OPTION.match(line):
            question.options.append(f"{option[1]}. {option[2]}")
        elif hint := HINT.match(line):
            question.hints[len(question.options)] = hint[1]
    return question


@cache
def published(mode: Mode) -> dict[str, PublishedQuestion]:
    """Question key to the question as the standard prints it for `mode`.

    The YAML's question text only finds where each question starts; every other
    word comes from the published text.
    """
    standard = load_standard()
    keys = list(standard.keys)
    texts = [standard.question(key).wording(mode).text for key in keys]
    blocks = question_blocks(mode.value, texts)
    return {key: parse_block(block) for key, block in zip(keys, blocks, strict=True)}
