"""YAML scalars as EKS Anywhere's decoder reads them: typed values (``scalar_value``, YAML
1.1 as PyYAML's safe constructors read them) and the Go string a string field gets
(``go_string``, sigs.k8s.io/yaml v1.6.0).

sigs.k8s.io/yaml turns a number or boolean bound for a Go ``string`` field into text with
``strconv``: integers in decimal, floats as ``FormatFloat(f, 'g', -1, 32)`` (so an unquoted
``kubernetesVersion: 1.30`` is the string ``"1.3"``), booleans as ``true``/``false``.
"""

from __future__ import annotations

import math
import struct
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


class NotAString(ValueError):
    """The node is a mapping or a sequence: Go's ``json.Unmarshal`` into a string fails."""


def go_string(node: Node | None) -> str:
    """The Go string a string field holds after decoding ``node`` ("" for null or absent).

    Raises ``NotAString`` for a mapping or a sequence.
    """
    if node is None:
        return ""
    if not isinstance(node, ScalarNode):
        raise NotAString(f"expected a string, found a YAML {kind_of(node)}")
    value = scalar_value(node)
    if node.tag == _NULL or value is None:
        return ""
    if node.tag == _BOOL and isinstance(value, bool):
        return "true" if value else "false"
    if node.tag == _INT and isinstance(value, int):
        return str(value)
    if node.tag == _FLOAT and isinstance(value, float):
        return format_float32(value)
    return str(node.value)


def kind_of(node: Node) -> str:
    """``mapping``, ``sequence`` or ``scalar``: what a YAML node is, in a message."""
    if isinstance(node, MappingNode):
        return "mapping"
    return "sequence" if isinstance(node, SequenceNode) else "scalar"


_constructor = yaml.SafeLoader("")  # only its stateless scalar constructors are used
_CONSTRUCT: dict[str, Any] = {
    _INT: _constructor.construct_yaml_int,
    _FLOAT: _constructor.construct_yaml_float,
    _BOOL: _constructor.construct_yaml_bool,
    _NULL: _constructor.construct_yaml_null,
}


def scalar_value(node: ScalarNode) -> Any:
    """The typed value of a scalar (unknown tags and timestamps stay text)."""
    construct = _CONSTRUCT.get(node.tag)
    if construct is None:
        return node.value
    try:
        return construct(node)
    except (ValueError, LookupError, OverflowError, TypeError, yaml.YAMLError):
        # e.g. an explicit ``!!int`` on an empty or malformed value: keep the text
        return node.value


def format_float32(value: float) -> str:
    """Go's ``strconv.FormatFloat(value, 'g', -1, 32)``: the shortest float32 digits."""
    if math.isnan(value):
        return "NaN"
    try:
        single = struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        single = math.copysign(math.inf, value)
    if math.isinf(single):
        return "+Inf" if single > 0 else "-Inf"
    if single == 0:
        return "-0" if math.copysign(1.0, single) < 0 else "0"
    sign = "-" if single < 0 else ""
    digits, point = _shortest(abs(single))
    exp = point - 1
    if exp < -4 or exp >= 6:  # Go's %e choice for the shortest form
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _shortest(value: float) -> tuple[str, int]:
    """The fewest decimal digits that read back as the same float32, and the position of
    the decimal point (``0.0123`` → ``("123", -1)``)."""
    for precision in range(1, 10):
        text = f"{value:.{precision - 1}e}"
        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == value:
            break
    mantissa, _, exponent = text.partition("e")
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    return digits, int(exponent) + 1
