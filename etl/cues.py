"""The cue patterns of the extraction rules, built from the word lists in data/reference/cues.yml.

The words are data (add a word there, not here); what stays in code is the shape around them,
such as "an optional modifier, then a trade noun, not followed by 'minister'". Every pattern is
case-blind and free of nested quantifiers, so it runs in time linear in the text it reads.
"""

from __future__ import annotations

import re
from functools import cache

import yaml

from etl.figures import REFERENCE

CUES_YML = REFERENCE / "cues.yml"
_I = re.IGNORECASE


@cache
def cue_words() -> dict:
    with CUES_YML.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def alternation(words: list[str] | dict) -> str:
    """Words as one regex alternation: escaped, longest first, a space matching any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _compile(source: str, flags: int = _I) -> re.Pattern[str]:
    return re.compile(source, flags)


def build() -> dict[str, re.Pattern[str]]:
    """Every cue pattern by name (compiled once per process by the rules' module)."""
    w = cue_words()
    trade, target, world, flows = w["trade"], w["target"], w["world_trade"], w["flows"]
    q, scope = w["qualifiers"], w["scope"]
    a = alternation
    return {
        "trade": _compile(
            rf"\b(?:(?:{a(trade['modifiers'])})\s+)?(?:{a(trade['nouns'])})\b"
            rf"(?!\s+(?:{a(trade['not_followed_by'])})\b)"
        ),
        "not_trade_money": _compile(rf"\b(?:{a(w['not_trade_money'])})\b"),
        # "raising trade to $20 billion": a raising verb, up to 60 characters (no sentence or
        # clause end), then "to" before a figure.
        "target_noun": _compile(
            rf"\b(?:{a(target['aims'])}|(?:{a(target['raising'])})\b[^.;]{{0,60}}?\bto"
            r"(?=\s+(?:\$|[A-Z]{3}|\d|€|£)))\b"
        ),
        "target_modal": _compile(rf"\b(?:{a(target['modals'])}|to\s+(?:{a(target['to_verbs'])}))\b"),
        "world_trade": _compile(
            rf"\b(?:(?:{a(world['modifiers'])})\s+(?:(?:{a(world['between'])})\s+){{0,2}}trade|foreign\s+trade|"
            rf"external\s+trade|(?:{a(world['flow_totals'])})\s+(?:non-oil\s+)?(?:imports|exports)|"
            rf"(?:{a(world['money_totals'])})\s+(?:export|import)s?\s+(?:{a(world['money_nouns'])}))\b"
            rf"(?!\s+(?:{a(world['sources'])})\b)"
        ),
        "bilateral": _compile(
            rf"\b(?:{a(w['bilateral']['words'])}|between\s+the\s+two\s+(?:{a(w['bilateral']['two_of'])}))\b"
        ),
        "anaphora": _compile(
            rf"\b(?:(?:{a(w['anaphora']['determiners'])})\s+(?:{a(w['anaphora']['nouns'])})|"
            rf"(?:{a(w['anaphora']['target_determiners'])})\s+(?:\w+\s+)?(?:{a(w['anaphora']['target_nouns'])})|it)\b"
        ),
        "flow_word": _compile(rf"\b(?P<word>{a(flows['words'])})\b"),
        # Case-sensitive on purpose: "from the Kingdom" in a name is not "the kingdom".
        "partner_words": _compile(
            r"\b(?P<prep>to|into|from)\s+(?:the|its|their)\s+(?:neighbouring\s+|neighboring\s+)?"
            rf"(?:{a(flows['partner_nouns'])})\b",
            0,
        ),
        "share_verb": _compile(rf"\b(?:{a(w['share_verbs'])})\b"),
        "approx_before": _compile(rf"\b(?:{a(q['approx'])})\s+(?:the\s+)?$"),
        "lower_bound_before": _compile(rf"\b(?:{a(q['lower_bound'])})\s+(?:the\s+)?$"),
        "upper_bound_before": _compile(rf"\b(?:{a(q['upper_bound'])})\s+(?:the\s+)?$"),
        "scope": _compile(
            rf"\b(?P<word>{a(scope['words'])})\s+(?:the\s+|all\s+)?(?P<what>[\w-]+)"
            rf"|\b(?P<non>{a(scope['non'])})\b"
        ),
        "scope_topic": _compile(rf"^(?:{a(scope['topics'])})"),
        "price": _compile(rf"\s*(?:per|a|an|each|/)\s*(?:{a(w['price_units'])})\b"),
    }


def scope_words() -> dict[str, str]:
    """ "incl." -> "including", "except for" -> "excluding": how a scope word reads."""
    return dict(cue_words()["scope"]["words"])
