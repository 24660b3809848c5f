"""The standard's interviewer guidance, shaped for an interviewer's screen.

What the interviewer sees about how to ask a question in one mode: the prompt
style, the showcard, and the instructions as paragraphs and lists; and the
face-to-face showcards themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .standard import InstructionList, Mode, Option, Question, Standard, Wording


@dataclass(frozen=True, slots=True)
class GuidanceBlock:
    """One paragraph, bulleted list or numbered list of the interviewer instructions."""

    kind: Literal["paragraph", "bullets", "numbered"]
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Guidance:
    """What the interviewer sees about how to ask one question, in one mode."""

    prompt: str
    showcard: bool
    instructions: tuple[GuidanceBlock, ...]


def guidance_blocks(wording: Wording) -> tuple[GuidanceBlock, ...]:
    blocks = []
    for instruction in wording.instructions:
        if isinstance(instruction, InstructionList):
            kind: Literal["bullets", "numbered"] = "numbered" if instruction.numbered else "bullets"
            blocks.append(GuidanceBlock(kind=kind, items=instruction.items))
        else:
            blocks.append(GuidanceBlock(kind="paragraph", text=instruction))
    return tuple(blocks)


def question_guidance(standard: Standard, question: Question, mode: Mode) -> Guidance:
    wording = question.wording(mode)
    return Guidance(
        prompt=standard.prompt_styles.get(wording.prompt, ""),
        showcard=wording.showcard,
        instructions=guidance_blocks(wording),
    )


@dataclass(frozen=True, slots=True)
class ShowcardOption:
    number: int
    option: Option


@dataclass(frozen=True, slots=True)
class Showcard:
    question: Question
    wording: Wording
    options: tuple[ShowcardOption, ...]


def showcards(standard: Standard) -> tuple[Showcard, ...]:
    """A card for each question the standard asks to show on a card face to face.

    A card lists the options the respondent reads. The spontaneous options are left
    off: the standard says they are not read out, so they are not offered to the
    respondent either; an interviewer records them only when the respondent gives
    one unprompted. Each option keeps its number from the standard, which is also
    the key the interviewer presses, so "number 3" means the same to both.
    """
    cards = []
    for question in standard.questions:
        wording = question.wording(Mode.FACE_TO_FACE)
        if not wording.showcard:
            continue
        numbered = tuple(
            ShowcardOption(number=number, option=option)
            for number, option in enumerate(wording.options, start=1)
            if not option.spontaneous
        )
        cards.append(Showcard(question=question, wording=wording, options=numbered))
    return tuple(cards)


def showcard(standard: Standard, key: str) -> Showcard | None:
    for card in showcards(standard):
        if card.question.key == key:
            return card
    return None
