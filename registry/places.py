"""County-level places (县级市, 县, 区) of the covered provinces and the prefecture-level city each
belongs to, from ``prefectures.yml``: a registration records where the public employment service
is (公主岭 → 长春), and says which place the graduate named.

A place is found by its official name (公主岭市, 农安县) or by its bare name (公主岭, 农安) when that
is unambiguous. Many district names repeat across China (朝阳区 is also in 北京, 西湖区 in 杭州), so a
district counts only when policies_kb.regions knows it as a place (南康) or the text also names its
province or city; and no county counts when the text names a place in another province.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

import yaml

from policies_kb import regions

DATA = Path(__file__).with_name("prefectures.yml")
_SUFFIXES = ("满族自治县", "朝鲜族自治县", "蒙古族自治县", "自治县", "市", "县", "区")


@dataclass(frozen=True)
class County:
    """``name`` (official, with suffix) lies in ``prefecture`` of ``province``."""

    name: str
    prefecture: str
    province: str


def _bare(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@functools.lru_cache(maxsize=1)
def _index() -> Dict[str, County]:
    """Official and usable bare names → County."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    counties = [County(name, prefecture, province)
                for province, prefectures in data.items()
                for prefecture, names in prefectures.items() for name in names]
    known = set(regions._NAMES)  # every place name regions matches (provinces, cities, others)
    prefectures = {c.prefecture for c in counties} | set(data)
    index: Dict[str, County] = {c.name: c for c in counties}
    bare_count: Dict[str, int] = {}
    for county in counties:
        bare_count[_bare(county.name)] = bare_count.get(_bare(county.name), 0) + 1
    for county in counties:
        bare = _bare(county.name)
        if bare == county.name or bare_count[bare] > 1 or bare in prefectures:
            continue
        if county.name.endswith("区") and bare not in known:
            continue
        # a bare name inside another place name would match there (长白 in 长白山)
        if any(bare in other and bare != other for other in known | prefectures):
            continue
        index[bare] = county
    return index


@functools.lru_cache(maxsize=1)
def _scanner() -> "re.Pattern[str]":
    return re.compile("|".join(map(re.escape, sorted(_index(), key=len, reverse=True))))


def find_county(text: str) -> Optional[County]:
    """The first county-level place named in ``text`` that fits the other places it names."""
    text = text or ""
    named = regions.find_in_text(text)
    for match in _scanner().finditer(text):
        county = _index()[match.group(0)]
        if any(r.province != county.province and r.name != county.name for r in named if r.name not in county.name):
            return None  # 北京市朝阳区, 杭州西湖区: another province's place
        district = county.name.endswith("区") and regions.lookup(_bare(county.name)) is None
        if district and county.province not in text and county.prefecture not in text:
            continue
        return county
    return None
