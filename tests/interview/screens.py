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
    # Each cue's tag, by what it is said of: question, options, spontaneous, showcard.
    cues: dict[str, str] = field(default_factory=dict)
    showcard_links: list[str] = field(default_factory=list)
    # The form's content elements in order, before the options: (tag, classes).
    form_start: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # option code -> its letter key


def read_screen(html: str | bytes) -> Screen:
    form = parse(html).find("form", **{"data-fast-entry": ""})
    screen = Screen(text=form.find("h1", "govuk-fieldset__heading").text)
    for child in form.find("div", "govuk-radios").children:
        if not isinstance(child, Element):
            continue
        if "govuk-radios__divider" in child.classes:
            screen.dividers.append((len(screen.options), child.text))
        elif "govuk-radios__item" in child.classes:
            radio = child.find("input")
            screen.options.append(child.find("label").text)
            screen.values.append(radio.attrs["value"])
            if "data-key" in radio.attrs:
                screen.keys[radio.attrs["value"]] = radio.attrs["data-key"]
            hints = child.find_all(None, "govuk-radios__hint")
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
    for cue in form.iter():
        if "data-cue" in cue.attrs:
            screen.cues[cue.attrs["data-cue"]] = cue.find("strong", "interview-cue__tag").text
            if cue.attrs["data-cue"] == "showcard":
                screen.showcard_links = [link.attrs["href"] for link in cue.find_all("a")]
    for element in form.iter():
        if element.tag == "input" and element.attrs.get("type") == "hidden":
            continue
        if "govuk-radios" in element.classes:
            break
        screen.form_start.append((element.tag, frozenset(element.classes)))
    return screen
