"""Follow-up questions resolved against the conversation before retrieval.

"and in Sefton?" after "How quickly do children in care get their first health check in
Leicester?" becomes a question about first health checks in Sefton; "what did they recommend
about it?" keeps the topic and carries the paragraphs the previous answer cited, so their linked
recommendations can be fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from assistant.markers import CHECKED_MARKER
from assistant.retrieval.intent import RECOMMENDATION, intents_of
from assistant.retrieval.query_analysis import paragraph_refs
from assistant.retrieval.words import content_words

_CONNECTIVE = re.compile(
    r"^\s*(?:and|also|plus|but|what about|how about|what of|same for|and what about|and how about|"
    r"is that|are they|what else|and for|then)\b[\s,]*", re.I)
_ANAPHORA = re.compile(r"\b(?:it|its|they|them|their|this|these|those|that one|the same|there)\b", re.I)
_CROSS_REPORT = re.compile(
    r"\b(?:compare|compared|comparison|contrast|differ|differences?|similarit(?:y|ies)|both|each report|"
    r"all (?:the |of the )?reports|across (?:the |both |all )?(?:reports|areas)|between the (?:reports|areas)|"
    r"in both|either report)\b", re.I)
# With one area named, a comparison is mostly with something in that area ("compared with the
# England average", "LPT compared with UHL", "has the plan made a difference?"); its report is
# compared with the others only when the question speaks of them together, or compares and
# stops ("how does Sefton compare?").
_REPORTS_TOGETHER = re.compile(
    r"\b(?:both|each|all|either|the other|other) (?:of the )?(?:reports?|areas?|reviews?)\b|\bacross (?:the |both |all )?"
    r"(?:reports|areas)\b|\bbetween the (?:reports|areas)\b|\bin both\b|\b(?:compare|compared|differ|different)\s*[?.!]*\s*$",
    re.I)
# A follow-up that opens as a question of its own ("what did they recommend about it?") asks that,
# not what the earlier question asked for ("how long ...?"); "and in Sefton?" asks the same again.
_OWN_QUESTION = re.compile(r"^\s*(?:what|how|who|whom|which|when|where|why|is|are|was|were|do|does|did|has|have|had|"
                           r"can|could|should|would|will)\b", re.I)
_GENERIC = {"report", "reports", "inspection", "inspector", "inspectors", "review", "area", "recommend",
            "recommended", "recommendation", "recommendations", "say", "said", "find", "found", "tell", "else"}


@dataclass
class ResolvedQuestion:
    """A question made standalone: what retrieval and the engines read."""

    original: str
    text: str
    follow_up: bool = False
    report_ids: list[str] | None = None  # reports the conversation has narrowed to
    cross_report: bool = False
    wants_recommendations: bool = False
    carried_ids: list[str] = field(default_factory=list)  # paragraphs the previous answer cited

    @property
    def asked(self) -> str:
        """What this turn asks for, in words: a follow-up asking a question of its own asks that
        (its topic still comes from the conversation); any other turn asks what its text asks."""
        if self.follow_up and not _CONNECTIVE.match(self.original) and _OWN_QUESTION.match(self.original):
            return self.original
        return self.text

    def to_dict(self) -> dict:
        return {"original": self.original, "text": self.text, "follow_up": self.follow_up,
                "report_ids": self.report_ids, "cross_report": self.cross_report}


def normalise_history(history: Iterable) -> list[dict]:
    """Messages as [{"role", "content"}]; also accepts (question, answer) pairs."""
    messages: list[dict] = []
    for item in history or ():
        if isinstance(item, dict):
            role, content = item.get("role"), item.get("content")
            if role not in ("user", "assistant") or not isinstance(content, str):
                raise ValueError("each history message needs role 'user' or 'assistant' and a string content")
            messages.append({"role": role, "content": content})
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            messages.append({"role": "user", "content": str(item[0])})
            messages.append({"role": "assistant", "content": str(item[1])})
        else:
            raise ValueError("history items are {role, content} messages or (question, answer) pairs")
    return messages


def resolve_question(question: str, history: Iterable, names, max_messages: int = 20) -> ResolvedQuestion:
    """Resolve `question` against the earlier messages (names: a ReportNames)."""
    topic: ResolvedQuestion | None = None
    last_cited: list[str] = []
    for message in normalise_history(history)[-max_messages:] if max_messages else []:
        if message["role"] == "user":
            topic = _resolve_one(message["content"], topic, last_cited, names)
            last_cited = []
        else:
            last_cited = list(dict.fromkeys(m.lower() for m in CHECKED_MARKER.findall(message["content"])))
    return _resolve_one(question, topic, last_cited, names)


def _topic_words(text: str, names) -> set[str]:
    return {w for w in content_words(text) if w not in _GENERIC and names.names.get(w) is None}


def _resolve_one(question: str, topic: ResolvedQuestion | None, last_cited: list[str], names) -> ResolvedQuestion:
    question = question.strip()
    named = names.named_in(question)
    cross = len(named) >= 2 or (bool(_CROSS_REPORT.search(question))
                                and (not named or bool(_REPORTS_TOGETHER.search(question))))
    wants_recommendations = RECOMMENDATION in intents_of(question)  # "recommend", "recs", "what was X asked to do"
    own_topic = _topic_words(question, names)
    is_follow_up = topic is not None and (
        bool(_CONNECTIVE.match(question)) or len(own_topic) <= 1
        or (len(own_topic) <= 4 and bool(_ANAPHORA.search(question)))
    )
    if not is_follow_up:
        # A standalone question that names one report is biased towards it by retrieval, not
        # restricted to it: the naming words are learned from the text and can misfire.
        return ResolvedQuestion(question, question, cross_report=cross,
                                wants_recommendations=wants_recommendations)

    if paragraph_refs(question, names):
        # "and paragraph 2.2?": a new paragraph in the same report, not the earlier topic.
        return ResolvedQuestion(question, question, follow_up=True, report_ids=named or topic.report_ids,
                                cross_report=cross, wants_recommendations=wants_recommendations)

    # Keep the earlier topic, minus words that named the earlier report when this turn names another.
    topic_text = topic.text
    if named:
        kept = [w for w in re.findall(r"\S+", topic_text)
                if names.names.get(re.sub(r"[^a-z'\u2019]", "", w.lower())) in (None, *named)]
        topic_text = re.sub(r"\s+(?:in|at|for|of)\s*([?.!]?)$", r"\1", " ".join(kept))
    rest = _CONNECTIVE.sub("", question).strip()
    text = f"{topic_text} {rest}".strip() if rest else topic_text
    if named:
        report_ids = named
    else:
        report_ids = topic.report_ids
    return ResolvedQuestion(
        original=question,
        text=text,
        follow_up=True,
        report_ids=report_ids if report_ids and len(report_ids) == 1 and not cross else None,
        cross_report=cross or (topic.cross_report and not named),
        wants_recommendations=wants_recommendations,
        carried_ids=[] if named else last_cited,
    )
