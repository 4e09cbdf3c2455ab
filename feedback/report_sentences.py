"""The performance report's figures as the sentences of a committee report.

Written the way the team's committee reports write them: "the team trained 493 staff, consisting
of 394 local authority staff and 99 external staff"; "attended by one Member from the Opposition
and eleven Members from the Administration (including two Cabinet Members)". Numbers up to twelve
are words, as in those reports; larger ones are figures. Feedback is described from the mean
overall rating, always with the mean and the number of responses.
"""

from __future__ import annotations

from typing import Any

WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")

# The lowest mean overall rating (1 to 5) for each description, highest first.
FEEDBACK_BANDS = ((4.5, "very positive"), (3.5, "positive"), (2.5, "mixed"), (0, "poor"))


def number(n: int) -> str:
    """Up to twelve in words ("eleven"), larger numbers as figures ("493")."""
    return WORDS[n] if 0 <= n < len(WORDS) else f"{n:,}"


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """ "one Member", "eleven Members", "493 staff"."""
    return f"{number(n)} {singular if n == 1 else (plural or singular + 's')}"


def _first(text: str) -> str:
    return text[:1].upper() + text[1:]


def feedback_description(mean: float | None) -> str | None:
    if mean is None:
        return None
    return next(words for lowest, words in FEEDBACK_BANDS if mean >= lowest)


def report_sentences(report: dict[str, Any]) -> list[str]:
    """One sentence (or two) per section of ``feedback.reports.performance_report``."""
    wrap, education, members = report["wrap"], report["education"], report["members"]
    outreach, feedback = report["outreach"], report["feedback"]
    if wrap["sessions"]:
        staff = "member of staff" if wrap["trained"] == 1 else "staff"
        sentences = [
            f"The team trained {number(wrap['trained'])} {staff}, consisting of "
            f"{number(wrap['council_staff'])} local authority staff and {number(wrap['external_staff'])} "
            f"external staff, in {counted(wrap['sessions'], 'WRAP session')}."
        ]
    else:
        sentences = ["No WRAP sessions were held."]
    if education["sessions"]:
        sentences.append(
            _first(
                f"{counted(education['trained'], 'education staff', 'education staff')} "
                f"{'was' if education['trained'] == 1 else 'were'} trained in "
                f"{counted(education['sessions'], 'briefing/training session')}."
            )
        )
    else:
        sentences.append("No education briefings were held.")
    if members["sessions"]:
        cabinet = f" (including {counted(members['cabinet'], 'Cabinet Member')})" if members["cabinet"] else ""
        sentences.append(
            f"Elected Member training: {counted(members['sessions'], 'session')}, attended by "
            f"{counted(members['opposition'], 'Member')} from the Opposition and "
            f"{counted(members['administration'], 'Member')} from the Administration{cabinet}."
        )
        if members["others"]:
            sentences.append(
                f"{_first(counted(members['others'], 'officer or guest', 'officers or guests'))} also attended."
            )
    else:
        sentences.append("No elected Member training was held.")
    sentences.append(
        f"There were {counted(outreach['total'], 'instance')} of community outreach, with "
        f"{counted(outreach['face_to_face'], 'instance')} of face-to-face outreach."
    )
    description = feedback_description(feedback["mean_overall"])
    if description is None:
        sentences.append("No feedback with an overall rating was received for this year's sessions.")
    else:
        sentences.append(
            f"Feedback on the year's training (all courses) was {description}: a mean overall rating of "
            f"{feedback['mean_overall']:g} out of 5 from {counted(feedback['responses'], 'response')}."
        )
    if feedback["confidence_uplift"] is not None:
        uplift = feedback["confidence_uplift"]
        change = f"rose by {uplift:g}" if uplift > 0 else (f"fell by {-uplift:g}" if uplift < 0 else "did not change")
        sentences.append(
            f"On average, people's confidence to recognise and refer a concern {change}"
            f"{' points' if uplift else ''} (1 to 5, before and after the training)."
        )
    return sentences
