from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from seb.credentials import CODE_LENGTH, normalise_access_code
from seb.standard import Question, Wording

SPONTANEOUS_DIVIDER = "Spontaneous answers: do not read out"


def answer_choices(wording: Wording, *, numbered: bool) -> list[Choice]:
    """The mode's options in the mode's order.

    In the interviewer modes each label carries its number key and the standard's
    "(Spontaneous)" mark, and a divider sets the spontaneous options apart.
    """
    choices = []
    options = wording.options
    for position, option in enumerate(options, start=1):
        label = f"{position}. {option.printed_label}" if numbered else option.label
        following = options[position] if position < len(options) else None
        divides = numbered and following and following.spontaneous and not option.spontaneous
        # Always given, empty when there is none: a template looking up an attribute
        # a choice lacks pays for a failed lookup (Django lists the object's every
        # attribute), a few times per option on every question page.
        choices.append(
            Choice(
                option.code,
                label,
                hint=option.hint or "",
                divider=SPONTANEOUS_DIVIDER if divides else "",
            )
        )
    return choices


class AnswerForm(forms.Form):
    """One question of the standard, as radios, in one mode's wording."""

    answer = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        question: Question,
        wording: Wording,
        interviewer: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["answer"]
        field.label = wording.text
        field.help_text = "" if interviewer else wording.guidance
        field.choices = answer_choices(wording, numbered=interviewer)
        message = question.error_message
        field.error_messages = {"required": message, "invalid_choice": message}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own form carries the token
        self.helper.layout = Layout(
            Field.radios("answer", legend_tag="h1", legend_size=Size.LARGE),
        )


class SubmitForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AccessCodeForm(forms.Form):
    """The access code from an invitation letter, email or text message."""

    WRONG = (
        "The access code is not right. Check it against your letter or message and enter it again"
    )

    access_code = forms.CharField(
        label="Enter your access code",
        help_text="It is 16 letters and numbers, on your invitation letter or in your email "
        "or text message. For example, ABCD 2345 EFGH 6789.",
        max_length=40,
        error_messages={
            "required": "Enter your access code",
            "max_length": WRONG,
        },
    )

    @classmethod
    def wrong(cls, *, tries_left: int, wait_minutes: int) -> str:
        """The wrong-code message, with the tries this address has left before a wait."""
        tries = f"{tries_left} more code{'s' if tries_left != 1 else ''}"
        minutes = f"{wait_minutes} minute{'s' if wait_minutes != 1 else ''}"
        return f"{cls.WRONG}. You can try {tries} in the next {minutes}"

    def clean_access_code(self) -> str:
        """The code as it is stored (upper case, no spaces or hyphens); a wrong length
        is said to be one, and is never counted as a guess."""
        typed: str = self.cleaned_data["access_code"]
        code = "".join(typed.split()).replace("-", "").upper()
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                f"An access code is {CODE_LENGTH} characters. You entered {len(code)}",
                code="length",
            )
        if normalise_access_code(code) is None:
            raise forms.ValidationError(self.WRONG, code="characters")
        return code

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["access_code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("access_code", label_size=Size.MEDIUM, label_tag="h2", field_width=20)
        )
