"""The standard's interviewer guidance, shaped for an interviewer's screen.

What the interviewer sees about how to ask a question in one mode: the cues (read
the question out; the options as the standard's prompt style says; the
spontaneous options not read out), the showcard, the instructions as paragraphs
and lists, the options numbered as the standard numbers them with the keys that
choose them; and the face-to-face showcards themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from .standard import InstructionList, Mode, Option, Question, Standard, Wording

# The cues an interviewer's screen gives. An interviewer reads every question out;
# how the options are offered follows the wording's prompt style (the standard's
# "prompt as necessary" or "running prompt"), or, without one, they are read out;
# the options the standard marks "(Spontaneous)" are never read out.
READ_OUT: Final = "Read out"
DO_NOT_READ_OUT: Final = "Do not read out"
SPONTANEOUS_GROUP: Final = "Spontaneous answers"
# Letter keys that record an answer where the mode offers it, besides its number.
ANSWER_KEYS: Final = {"dont_know": "D", "prefer_not_to_say": "P"}


@dataclass(frozen=True, slots=True)
class GuidanceBlock:
    """One paragraph, bulleted list or numbered list of the interviewer instructions."""

    kind: Literal["paragraph", "bullets", "numbered"]
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NumberedOption:
    """An option as the interviewer's screen lists it: its number in the standard
    (the number key that chooses it) and, for some answers, a letter key too."""

    number: int
    option: Option
    key: str = ""


@dataclass(frozen=True, slots=True)
class Guidance:
    """What the interviewer sees about how to ask one question, in one mode.

    `question_cue` is said of the question, `options_cue` of the options read out
    or prompted, `spontaneous_cue` of the spontaneous options (empty when there
    are none); `read_out` and `spontaneous` are the two groups of options, each in
    the standard's order and numbering.
    """

    prompt: str
    showcard: bool
    instructions: tuple[GuidanceBlock, ...]
    question_cue: str = READ_OUT
    options_cue: str = READ_OUT
    spontaneous_cue: str = ""
    read_out: tuple[NumberedOption, ...] = ()
    spontaneous: tuple[NumberedOption, ...] = ()

    @property
    def options(self) -> tuple[NumberedOption, ...]:
        return (*self.read_out, *self.spontaneous)

    @property
    def letter_keys(self) -> tuple[NumberedOption, ...]:
        return tuple(item for item in self.options if item.key)


def guidance_blocks(wording: Wording) -> tuple[GuidanceBlock, ...]:
    blocks = []
    for instruction in wording.instructions:
        if isinstance(instruction, InstructionList):
            kind: Literal["bullets", "numbered"] = "numbered" if instruction.numbered else "bullets"
            blocks.append(GuidanceBlock(kind=kind, items=instruction.items))
        else:
            blocks.append(GuidanceBlock(kind="paragraph", text=instruction))
    return tuple(blocks)


def numbered_options(wording: Wording) -> tuple[NumberedOption, ...]:
    return tuple(
        NumberedOption(number=number, option=option, key=ANSWER_KEYS.get(option.code, ""))
        for number, option in enumerate(wording.options, start=1)
    )


def question_guidance(standard: Standard, question: Question, mode: Mode) -> Guidance:
    wording = question.wording(mode)
    prompt = standard.prompt_styles.get(wording.prompt, "")
    numbered = numbered_options(wording)
    spontaneous = tuple(item for item in numbered if item.option.spontaneous)
    return Guidance(
        prompt=prompt,
        showcard=wording.showcard,
        instructions=guidance_blocks(wording),
        question_cue=READ_OUT,
        options_cue=prompt.capitalize() if prompt else READ_OUT,
        spontaneous_cue=DO_NOT_READ_OUT if spontaneous else "",
        read_out=tuple(item for item in numbered if not item.option.spontaneous),
        spontaneous=spontaneous,
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
