"""Who a fair is for: region and major matching, for notices (subscribers) and for job
recommendations (registrations). Pure functions over rows, plus the two queries that use them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Set, Tuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from policies_kb.regions import lookup, normalise
from registry.models import Registration, Subscription
from scheduler.fairs_import import split_list
from scheduler.models import Contact, JobFair

DELIVERABLE = ("wechat", "telegram")  # channels the scheduler can reach first


@dataclass(frozen=True)
class Place:
    """A normalised place: a city with its province, or a province alone."""

    city: Optional[str]
    province: Optional[str]


def place_of(name: Optional[str]) -> Optional[Place]:
    """None for no place; unknown names are kept as a city so they can still match exactly."""
    if not name or not name.strip():
        return None
    region = lookup(name)
    if region is None:
        return Place(normalise(name), None)
    if region.name == region.province:
        return Place(None, region.province)
    return Place(region.name, region.province)


def region_matches(fair: JobFair, region: Optional[str]) -> bool:
    """No region wanted matches every fair. A province matches its fairs; a city matches on-site
    fairs in that city and online fairs of its province (or online fairs with no place)."""
    wanted = place_of(region)
    if wanted is None:
        return True
    fair_place = place_of(fair.city) or Place(None, fair.province)
    fair_province = fair.province or fair_place.province
    if wanted.city is None:
        return wanted.province is not None and wanted.province == fair_province
    if fair.online:
        return fair_province is None or fair_province == wanted.province
    return fair_place.city == wanted.city


def _overlaps(targets: Sequence[str], wanted: Iterable[str]) -> bool:
    """Either names the other: 计算机 ~ 计算机科学与技术."""
    return any(t in w or w in t for t in targets for w in wanted if w)


def major_matches(fair: JobFair, majors: Sequence[str], industries: Sequence[str] = ()) -> bool:
    """A fair without target majors/industries is for everyone; so is a person without majors."""
    fair_majors, fair_industries = split_list(fair.majors), split_list(fair.industries)
    if not fair_majors and not fair_industries:
        return True
    if not majors and not industries:
        return True
    return (bool(fair_majors) and _overlaps(fair_majors, majors)) or (
        bool(fair_industries) and _overlaps(fair_industries, industries)
    )


def unreachable(session: Session) -> Set[Tuple[str, str]]:
    """(channel, user_id) of contacts that unfollowed, were invalid, or said 退订."""
    rows = session.execute(
        select(Contact.channel, Contact.user_id).where(
            or_(Contact.blocked_reason.is_not(None), Contact.opted_out_at.is_not(None))
        )
    )
    return {(channel, user_id) for channel, user_id in rows}


def fair_subscribers(session: Session, fair: JobFair) -> List[Tuple[str, str]]:
    """Active subscribers the fair matches, by region and major, on channels we can reach."""
    blocked = unreachable(session)
    rows = session.execute(
        select(Subscription).where(Subscription.active.is_(True), Subscription.channel.in_(DELIVERABLE))
        .order_by(Subscription.id)
    ).scalars()
    return [
        (s.channel, s.user_id) for s in rows
        if (s.channel, s.user_id) not in blocked and region_matches(fair, s.region)
        and major_matches(fair, split_list(s.majors))
    ]


def fairs_for_registration(session: Session, registration: Registration, now: dt.datetime,
                           exclude: Iterable[int] = ()) -> List[JobFair]:
    """Upcoming, not cancelled fairs for this graduate (wanted region, else city; major and
    wanted industry), soonest first."""
    region = registration.wanted_region or registration.city
    query = select(JobFair).where(and_(JobFair.starts_at > now, JobFair.cancelled.is_(False)))
    excluded = set(exclude)
    fairs = session.execute(query.order_by(JobFair.starts_at, JobFair.id)).scalars()
    majors = [registration.major] if registration.major else []
    industries = [registration.wanted_industry] if registration.wanted_industry else []
    return [f for f in fairs if f.id not in excluded and region_matches(f, region)
            and major_matches(f, majors, industries)]
