"""An interviewer question screen as the interviewer sees it, read from its HTML."""

from __future__ import annotations

from dataclasses import dataclass, field

from .html import Element, parse
from .published import Block

LIST_KINDS = {"p": "paragraph", "ul": "bullets", "ol": "numbered"}


@dataclass
class Screen:
    text: str
    options: list[str] = field(default_factory=list)  # label texts, in page order
    values: list[str] = field(default_factory=list)  # option codes, in page order
    hints: dict[int, str] = field(default_factory=dict)  # option number -> hint
    dividers: list[tuple[int, str]] = field(default_factory=list)  # (options before, text)
    instructions: list[Block] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    showcard_links: list[str] = field(default_factory=list)
    read_out_cue: bool = False


def read_screen(html: str | bytes) -> Screen:
    form = parse(html).find("form", **{"data-fast-entry": ""})
    screen = Screen(text=form.find("h1", "govuk-fieldset__heading").text)
    for child in form.find("div", "govuk-radios").children:
        if not isinstance(child, Element):
            continue
        if "govuk-radios__divider" in child.classes:
            screen.dividers.append((len(screen.options), child.text))
        elif "govuk-radios__item" in child.classes:
            screen.options.append(child.find("label").text)
            screen.values.append(child.find("input").attrs["value"])
            hints = child.find_all("span", "govuk-radios__hint")
            if hints:
                screen.hints[len(screen.options)] = hints[0].text
    for guidance in form.find_all("div", "interview-instructions"):
        for child in guidance.children:
            if isinstance(child, Element) and child.tag in LIST_KINDS:
                kind = LIST_KINDS[child.tag]
                if kind == "paragraph":
                    screen.instructions.append((kind, (child.text,)))
                else:
                    items = tuple(item.text for item in child.find_all("li"))
                    screen.instructions.append((kind, items))
    screen.cues = [cue.text for cue in form.find_all("li", "interview-guidance__cue")]
    screen.showcard_links = [
        link.attrs["href"]
        for cue in form.find_all("li", "interview-guidance__cue")
        for link in cue.find_all("a")
    ]
    screen.read_out_cue = bool(form.find_all("p", "interview-read-out"))
    return screen
