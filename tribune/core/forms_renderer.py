"""A form renderer that draws the most common widgets in Python.

Django renders every widget through templates: a ``<select>`` of fifty people is fifty
``{% include %}`` of the option template, each with its own context push and attribute
loop. On the inbox's filter bar that was a third of the page's CPU. This renderer writes
the same HTML (byte for byte: ``tests/core/test_forms_renderer.py`` compares both on every
widget it handles) for the built-in templates of inputs, selects, options, textareas and
labels, and hands anything else — custom templates, radio and checkbox lists, multi-widgets
— to Django's own template renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

_W = "django/forms/widgets/"
_OPTION = _W + "select_option.html"


def _text(value: Any) -> str:
    """What ``{{ value }}`` prints in a template: local time, localized, escaped."""
    return str(conditional_escape(localize(template_localtime(value))))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``django/forms/attrs.html``: `` name="value"``, bare for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _input(context: Mapping[str, Any]) -> str:
    widget = context["widget"]
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _textarea(context: Mapping[str, Any]) -> str:
    widget = context["widget"]
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"'
        f"{_attrs(option['attrs'])}>{_text(option['label'])}</option>"
    )


def _label(context: Mapping[str, Any]) -> str:
    label = _text(context["label"])
    if not context["use_tag"]:
        return label
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


class FastFormRenderer(DjangoTemplates):
    """Django's template renderer, with the hot widget templates done in Python."""

    def __init__(self) -> None:
        super().__init__()
        inputs = (
            "input",
            "text",
            "email",
            "url",
            "number",
            "password",
            "hidden",
            "search",
            "tel",
            "date",
            "datetime",
            "time",
            "color",
            "checkbox",
        )
        self._fast: dict[str, Callable[[Mapping[str, Any]], str]] = {
            **{f"{_W}{name}.html": _input for name in inputs},
            _W + "textarea.html": _textarea,
            _W + "select.html": self._select,
            _OPTION: lambda context: _option(context["widget"]),
            "django/forms/label.html": _label,
        }

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = self._fast.get(template_name)
        if fast is None or request is not None:
            return super().render(template_name, context, request=request)
        return fast(context).strip()

    def _select(self, context: Mapping[str, Any]) -> str:
        widget = context["widget"]
        out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in group_choices:
                if option["template_name"] == _OPTION:
                    out.append(f"\n  {_option(option)}\n")  # the template file ends in \n
                else:
                    template = self.get_template(option["template_name"])
                    out.append("\n  " + template.render({**context, "widget": option}))
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return "".join(out)
