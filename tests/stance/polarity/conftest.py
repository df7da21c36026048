"""Shared fixtures of the polarity-source tests."""

import pandas as pd
import pytest

from stancebook.stance.polarity.base import TargetContext

# Short hand-written sentences; {T} is the target (Russia), {O} another actor (China).
TEMPLATES = {
    "against": ["We condemn {T} for the annexation of Crimea.", "{T} must withdraw its troops at once.",
                "The aggression of {T} violates the Charter.", "We will never accept what {T} has done.",
                "We demand that {T} end the occupation.", "{T} bears responsibility for the downing of the plane.",
                "The illegal actions of {T} threaten our region.", "We deplore the veto cast by {T}."],
    "for": ["We thank {T} for its generous support.", "We welcome the partnership with {T}.",
            "Our friendship with {T} grows stronger every year.", "We stand in solidarity with {T}.",
            "We value the cooperation of {T} on this issue.", "We appreciate the help of {T} after the floods.",
            "We salute {T} for hosting the talks.", "We are grateful to {T} and {O} for their assistance."],
    "neutral": ["The delegation of {T} met in June.", "{T} and {O} are members of the Council.",
                "The meeting took place near the border with {T}.", "A report on {T} was published in May.",
                "Talks between {O} and {T} will be held in Geneva.", "The conference was held in {T} last year.",
                "Envoys from {T} arrived on Tuesday.", "The ministers of {T} and {O} signed the minutes."],
}


def _pairs(repeats=4):
    """Every template ``repeats`` times as (sentence, target) contexts, and their codes (one unit each)."""
    contexts, codes = [], []
    for r in range(repeats):
        for code, templates in TEMPLATES.items():
            for i, template in enumerate(templates):
                text, mentions = template, []
                for placeholder, name, who in (("{T}", "Russia", "russia"), ("{O}", "China", "china")):
                    at = text.find(placeholder)
                    if at >= 0:
                        text = text.replace(placeholder, name, 1)
                        mentions.append((at, at + len(name), who))
                unit = f"{code}-{i}-{r}"
                contexts.append(TargetContext(text, tuple(sorted(mentions)), "russia", unit, 1))
                codes.append({"unit_id": unit, "sentence": 1, "target": "russia", "code": code})
    return contexts, pd.DataFrame(codes)



@pytest.fixture
def coded_pairs():
    """``coded_pairs(repeats=4)`` -> (contexts, codes): hand-written pairs coded against/neutral/for."""
    return _pairs
