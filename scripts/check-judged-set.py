#!/usr/bin/env python3
"""Validate the target roles and the judged evaluation set against the seed catalog.

    python3 scripts/check-judged-set.py

Checks src/CourseMatch.Core/Data/Seed/roles.json and
src/CourseMatch.Core/Ranking/Judged/judged-set.json against
src/CourseMatch.Core/Data/Seed/catalog.json. Errors make the exit status 1;
warnings point at rankings an advisor may want to look at again but do not fail.
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "src/CourseMatch.Core/Data/Seed/catalog.json"
ROLES = ROOT / "src/CourseMatch.Core/Data/Seed/roles.json"
JUDGED = ROOT / "src/CourseMatch.Core/Ranking/Judged/judged-set.json"

ROLE_SLUGS = ["data-analyst", "data-scientist", "ml-engineer", "research-scientist",
              "quant-analyst", "graduate-ml", "curious"]
GOALS = {"career-switch", "upskill", "academic", "curiosity"}
FORMATS = {"online", "in-person", "any"}
MIN_PROFILES = 40
MIN_PER_ROLE = 3
MIN_HAND_SET_WITH_NULL = 10
RANKING_SIZE = 10
ROLE_REASON_MAX = 120
WHY_MAX = 140
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

errors: list[str] = []
warnings: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def warn(msg: str) -> None:
    warnings.append(msg)


def is_level(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 4


def load(path: Path):
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        print(f"ERROR: cannot read {path.relative_to(ROOT)}: {e}")
        sys.exit(1)


catalog = load(CATALOG)
skills = [s["slug"] for s in catalog["skills"]]
skill_set = set(skills)
courses = {c["slug"]: c for c in catalog["courses"]}
course_cities = {(c["city"], c["country"]) for c in catalog["courses"] if c.get("city")}


# ---------------------------------------------------------------- roles.json
roles_doc = load(ROLES)
role_targets: dict[str, dict] = {}
roles = roles_doc.get("roles") if isinstance(roles_doc, dict) else None
if not isinstance(roles, list):
    err("roles.json: top level must be an object with a 'roles' list")
    roles = []
slugs = [r.get("slug") for r in roles]
if slugs != ROLE_SLUGS:
    err(f"roles.json: slugs must be exactly {ROLE_SLUGS} in that order, found {slugs}")
for r in roles:
    slug = r.get("slug", "?")
    for key in ("name", "summary"):
        if not isinstance(r.get(key), str) or not r[key].strip():
            err(f"role {slug}: missing {key}")
    targets = r.get("targets")
    if not isinstance(targets, dict):
        err(f"role {slug}: targets must be an object")
        continue
    if set(targets) != skill_set:
        err(f"role {slug}: targets must list exactly the 8 skills; "
            f"missing {sorted(skill_set - set(targets))}, unknown {sorted(set(targets) - skill_set)}")
    levels = {}
    for s, t in targets.items():
        if not isinstance(t, dict):
            err(f"role {slug}/{s}: target must be an object with level and reason")
            continue
        lvl = t.get("level")
        if lvl is not None and not is_level(lvl):
            err(f"role {slug}/{s}: level must be 0-4 or null, found {lvl!r}")
        reason = t.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            err(f"role {slug}/{s}: missing reason")
        elif len(reason) >= ROLE_REASON_MAX:
            err(f"role {slug}/{s}: reason is {len(reason)} characters (limit {ROLE_REASON_MAX - 1})")
        elif "\n" in reason:
            err(f"role {slug}/{s}: reason must be one line")
        levels[s] = lvl
    role_targets[slug] = levels

curious = role_targets.get("curious", {})
if curious:
    modest = [v for v in curious.values() if v is not None]
    if any(v > 2 for v in modest):
        err("role curious: levels should be modest (at most 2)")


# ---------------------------------------------------------- judged-set.json
judged = load(JUDGED)
if not isinstance(judged, dict):
    err("judged-set.json: top level must be an object")
    judged = {}
if not isinstance(judged.get("about"), str) or not judged["about"].strip():
    err("judged-set.json: missing 'about'")
profiles = judged.get("profiles")
if not isinstance(profiles, list):
    err("judged-set.json: 'profiles' must be a list")
    profiles = []
if len(profiles) < MIN_PROFILES:
    err(f"judged-set.json: {len(profiles)} profiles, need at least {MIN_PROFILES}")

ids = Counter(p.get("id") for p in profiles)
for pid, n in ids.items():
    if n > 1:
        err(f"profile id {pid!r} used {n} times")

role_count: Counter = Counter()
hand_set = 0
hand_set_with_null = 0
effective: dict[str, dict] = {}   # profile id -> skill -> target (None = not interested)

for i, p in enumerate(profiles):
    pid = p.get("id") or f"#{i}"
    where = f"profile {pid}"
    if not isinstance(p.get("id"), str) or not KEBAB.match(p["id"]):
        err(f"{where}: id must be kebab-case")
    if not isinstance(p.get("summary"), str) or not p["summary"].strip():
        err(f"{where}: missing summary")

    current = p.get("current")
    if not isinstance(current, dict) or set(current) != skill_set:
        err(f"{where}: current must give all 8 skills")
        current = {}
    for s, v in current.items():
        if not is_level(v):
            err(f"{where}: current {s} must be 0-4, found {v!r}")

    target = p.get("target")
    wanted: dict = {}
    if not isinstance(target, dict) or len(target) != 1 or not ({"role"} == set(target) or {"levels"} == set(target)):
        err(f"{where}: target must be {{'role': slug}} or {{'levels': {{...}}}}")
    elif "role" in target:
        if target["role"] not in ROLE_SLUGS:
            err(f"{where}: unknown role {target['role']!r}")
        else:
            role_count[target["role"]] += 1
            wanted = dict(role_targets.get(target["role"], {}))
    else:
        levels = target["levels"]
        if not isinstance(levels, dict) or set(levels) != skill_set:
            err(f"{where}: target levels must give all 8 skills (null = not interested)")
            levels = levels if isinstance(levels, dict) else {}
        for s, v in levels.items():
            if s not in skill_set:
                err(f"{where}: unknown skill {s!r} in target levels")
            elif v is not None and not is_level(v):
                err(f"{where}: target {s} must be 0-4 or null, found {v!r}")
        hand_set += 1
        if any(v is None for v in levels.values()):
            hand_set_with_null += 1
        if all(v is None for v in levels.values()):
            err(f"{where}: every target is null; nothing is wanted")
        wanted = dict(levels)
    effective[pid] = wanted

    if p.get("goal") not in GOALS:
        err(f"{where}: goal must be one of {sorted(GOALS)}")
    budget = p.get("budget")
    if not isinstance(budget, dict):
        err(f"{where}: budget must be an object")
    else:
        amt = budget.get("amount")
        if amt is not None and (not isinstance(amt, (int, float)) or isinstance(amt, bool) or amt < 0):
            err(f"{where}: budget amount must be a non-negative number or null")
        if budget.get("currency") != "USD":
            err(f"{where}: budget currency must be USD")
        if not isinstance(budget.get("strict"), bool):
            err(f"{where}: budget strict must be true or false")
    if p.get("format") not in FORMATS:
        err(f"{where}: format must be one of {sorted(FORMATS)}")
    location = p.get("location")
    if location is not None:
        if not isinstance(location, dict) or set(location) != {"city", "country", "radiusKm"}:
            err(f"{where}: location must be null or {{city, country, radiusKm}}")
        else:
            if not isinstance(location["country"], str) or not re.fullmatch(r"[A-Z]{2}", location["country"]):
                err(f"{where}: country must be an ISO two-letter code")
            if not isinstance(location["radiusKm"], int) or location["radiusKm"] <= 0:
                err(f"{where}: radiusKm must be a positive integer")
            if (location["city"], location["country"]) not in course_cities:
                err(f"{where}: {location['city']}/{location['country']} has no in-person course in the catalog")
    if p.get("format") == "in-person" and location is None:
        err(f"{where}: an in-person learner needs a location")
    hours = p.get("hoursPerWeek")
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 40:
        err(f"{where}: hoursPerWeek must be 1-40")
    if p.get("language") != "en":
        err(f"{where}: language must be 'en'")

    ranking = p.get("ranking")
    if not isinstance(ranking, list) or len(ranking) != RANKING_SIZE:
        err(f"{where}: ranking must have exactly {RANKING_SIZE} entries")
        ranking = ranking if isinstance(ranking, list) else []
    seen = set()
    for pos, item in enumerate(ranking, 1):
        slug = item.get("course") if isinstance(item, dict) else None
        if slug not in courses:
            err(f"{where}: position {pos}: unknown course {slug!r}")
        if slug in seen:
            err(f"{where}: course {slug} appears twice")
        seen.add(slug)
        why = item.get("why") if isinstance(item, dict) else None
        if not isinstance(why, str) or not why.strip():
            err(f"{where}: position {pos}: missing why")
        elif len(why) >= WHY_MAX:
            err(f"{where}: position {pos}: why is {len(why)} characters (limit {WHY_MAX - 1})")
        elif "\n" in why:
            err(f"{where}: position {pos}: why must be one line")

    # Advisory checks on the judgement itself: they warn, not fail.
    if ranking and current and wanted and ranking[0].get("course") in courses:
        first = courses[ranking[0]["course"]]
        gap = max([lvl - current.get(s, 0) for s, lvl in first["prerequisites"].items()] or [0])
        if gap >= 2:
            warn(f"{where}: first course {first['slug']} is {gap} levels short on a prerequisite")
        gains = [s for s, lvl in first["skills"].items()
                 if wanted.get(s) is not None and current.get(s, 0) < wanted[s] and lvl > current.get(s, 0)]
        if not gains:
            warn(f"{where}: first course {first['slug']} closes none of the wanted gaps")
    if isinstance(budget, dict) and budget.get("amount") == 0 and budget.get("strict"):
        for pos, item in enumerate(ranking[:3], 1):
            c = courses.get(item.get("course"))
            if c and c["price"] != 0 and not c["freeToAudit"]:
                warn(f"{where}: free-only learner has non-free {c['slug']} at position {pos}")

for r in ROLE_SLUGS:
    if role_count[r] < MIN_PER_ROLE:
        err(f"role {r} is the target of {role_count[r]} profiles, need at least {MIN_PER_ROLE}")
if hand_set_with_null < MIN_HAND_SET_WITH_NULL:
    err(f"{hand_set_with_null} hand-set profiles with a null target, need at least {MIN_HAND_SET_WITH_NULL}")


# Cases the brief asks for by name.
def find(pred):
    return [p["id"] for p in profiles if isinstance(p.get("current"), dict) and set(p["current"]) == skill_set and pred(p)]


def others_at(p, skill, level_skill, level_others):
    c = p["current"]
    return c[skill] == level_skill and all(c[s] == level_others for s in skills if s != skill)


def free_only(p):
    b = p.get("budget") or {}
    return b.get("amount") == 0 and b.get("strict") is True


def gaps(p):
    w, c = effective.get(p["id"], {}), p["current"]
    return [s for s in skills if w.get(s) is not None and w[s] > c[s]]


cases = {
    "calculus 0, others 2, academic, free only":
        find(lambda p: others_at(p, "calculus", 0, 2) and p.get("goal") == "academic" and free_only(p)),
    "discrete-math 0, others 2": find(lambda p: others_at(p, "discrete-math", 0, 2)),
    "targets at or below current in most skills, one or two gaps":
        find(lambda p: 1 <= len(gaps(p)) <= 2 and sum(
            1 for s in skills if effective.get(p["id"], {}).get(s) is not None
            and effective[p["id"]][s] <= p["current"][s]) >= 5),
    "a single wanted gap": find(lambda p: len(gaps(p)) == 1),
    "free only": find(free_only),
    "in person with a location": find(lambda p: p.get("format") == "in-person" and p.get("location")),
    "few hours (<= 4 a week)": find(lambda p: isinstance(p.get("hoursPerWeek"), int) and p["hoursPerWeek"] <= 4),
    "many hours (>= 30 a week)": find(lambda p: isinstance(p.get("hoursPerWeek"), int) and p["hoursPerWeek"] >= 30),
    "large budget (>= 5000)": find(lambda p: ((p.get("budget") or {}).get("amount") or 0) >= 5000),
    "small budget (1-300)": find(lambda p: 0 < ((p.get("budget") or {}).get("amount") or 0) <= 300),
}
for name, found in cases.items():
    if not found:
        err(f"no profile covers the case: {name}")

# ------------------------------------------------------------------ report
print(f"catalog: {len(courses)} courses, {len(skills)} skills")
print(f"roles: {len(roles)} ({', '.join(slugs)})")
print(f"profiles: {len(profiles)}; hand-set targets: {hand_set} ({hand_set_with_null} with a null)")
print("per role: " + ", ".join(f"{r} {role_count[r]}" for r in ROLE_SLUGS))
for name, found in cases.items():
    print(f"  case {name}: {len(found)}" + (f" ({', '.join(found[:3])}{', ...' if len(found) > 3 else ''})" if found else ""))
for w in warnings:
    print(f"WARNING: {w}")
for e in errors:
    print(f"ERROR: {e}")
if errors:
    print(f"FAILED: {len(errors)} error(s)")
    sys.exit(1)
print(f"OK ({len(warnings)} warning(s))")
