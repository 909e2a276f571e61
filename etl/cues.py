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


def alternation(words: list[str] | dict, case_blind: bool = True) -> str:
    """Words as one regex alternation, escaped, a space matching any whitespace, that tries the
    longer of two words first (as "investments|investment|invest" would).

    It is shaped as a tree of the words' characters ("invest(?:ments?|ing|ed|s)?"): re follows one
    branch per character instead of trying each of a hundred words at every word start, several
    times faster. Both forms try the same words in the same order: the words that can match at one
    place are each a prefix of the next (a letter or a run of white space after a shared start;
    no two branches of a node can both match), and the tree tries every longer word before the one
    ending at a node. For a case-blind pattern the words are lower-cased first, so that no two
    branches differ only in case (which the case-blind match would take for one)."""
    tree: dict = {}
    for word in words:
        if case_blind and len(word.lower()) == len(word):
            word = word.lower()
        node = tree
        for ch in word:
            node = node.setdefault(r"\s+" if ch == " " else re.escape(ch), {})
        node[""] = {}  # a word ends here
    return tree_branches(tree)


def tree_branches(node: dict) -> str:
    """The pattern of a tree of words: each node maps a unit (an escaped character) to its child
    node, and "" to {} where a word ends."""
    alts = [unit + tree_branches(child) for unit, child in sorted(node.items()) if unit]
    if not alts:
        return ""
    if "" in node:  # a word ends here: tried after every longer one
        return "(?:" + "|".join(alts) + ")?"
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


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
            rf"(?:{a(flows['partner_nouns'], case_blind=False)})\b",
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
