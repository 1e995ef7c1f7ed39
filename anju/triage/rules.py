"""Rules that hold whatever the model says.

Two kinds:

* danger words (built in): fire, smoke, gas, people trapped in a lift, electric shock,
  flooding, dog bites, objects falling on people. A text that mentions one is always
  urgent — missing an urgent complaint is the most expensive mistake (TAXONOMY.md). The
  patterns include the colloquial and misspelt forms residents type.
* keyword rules (``KeywordRule``) that administrators add in the admin; they set a
  category and/or an urgency. Active rules are cached per process like other reference
  rows (``anju/lib/refcache.py``): a change takes effect at once in the process that saved
  it, elsewhere within ``ANJU_REFERENCE_CACHE_SECONDS``, without a restart.

Danger words are checked at intake, synchronously, by ``intake_urgency``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from anju.lib.refcache import SnapshotCache
from anju.triage.models import KeywordRule
from anju.triage.text import normalise

# name → pattern on normalised text (NFKC, lower case). Kept narrow enough that an ordinary
# complaint does not trip them: "火灾隐患" (a risk) is not a fire, "油烟" is not smoke.
DANGER: dict[str, str] = {
    # Not "打不着火" (a water heater), nor a fire someone fears might happen one day.
    "fire": r"(?<!不)(?<!哪天)(?<!万一)(?<!一旦)(?<!如果)(?<!担心)(?<!发生)(?<!引发)(?<!造成)"
            r"(着火|火灾(?!隐患))|"
            r"起火|失火|火警|烧起来|烧着了|烧焦|焦糊味|糊味|冒烟|冒黑烟|冒白烟|浓烟|"
            r"黑烟|冒着?(黑|白|青)?烟|明火|火苗|火星子|冒火星|打火花|冒火花|电火花|冒火|窜火|燃起来|自燃|火烧|火光|"
            r"爆炸|烟雾弥漫|大量(白|黑|浓)?烟|热失控|火势|火很大|起了火|闻到[^。!?]{0,3}(烧|焦|糊)|"
            r"(电线|线路|插座|电箱|电表|充电器|电瓶|配电)[^。!?]{0,6}(烧了|烧着|烧焦|冒火|打火)",
    "gas": r"(燃气|煤气|天然气|液化气|瓦斯)[^。!?;]{0,20}(泄漏|泄露|漏气|漏了|在漏|味|臭)|"
           r"(头晕|恶心)[^。!?]{0,10}味|味[^。!?]{0,10}(头晕|恶心)|"
           r"(闻到|闻着|一股|好大的?|浓浓的?)[^,。!?;]{0,4}(燃气|煤气|天然气)|漏煤气|漏燃气|漏天然气|"
           r"臭鸡蛋|(燃气|煤气|天然气)[^。!?]{0,10}(咝|嘶)|(灶|气罐|液化气)[^。!?]{0,6}漏气",
    "trapped": r"困人|(?<!担心)(?<!怕)被困(?!在家)|困在|困住|"
               r"关在电梯|卡在电梯|关在里面|卡在里面|困里面|关里面|在里面出不|里面出不(去|来)|"
               r"关着(我|人|老人|孩子|小孩)|把人关|被夹在(?!两辆)|"
               r"电梯[^,。!?;]{0,10}(关了人|关住|关着人|卡了人|卡住人|夹人|夹到人|出不来|出不去)|"
               r"电梯.{0,15}(人出不来|人出不去|有人在里面|人在里面|关着人|困着人)|"
               r"电梯[^。!?]{0,15}(下坠|溜梯|往下滑|往下掉|冲顶|蹲底|门开着[^。!?]{0,6}(走|运行|上|下))|"
               r"卡在(两层|楼层)(中间|之间)|停在两层(中间|之间)|卡在半空|停在半空|"
               r"夹住[^。!?]{0,4}(人|小孩|孩子|胳膊|手|腿|脚|老人)|"
               r"(电悌|梯子|轿厢|客梯)[^。!?]{0,10}(关人|关了人|卡住|困)|被(关|困|卡)在(电梯|电悌|梯子|轿厢|里面|里头)|"
               r"(人|孩子|小孩|娃|老人|婆婆|爷爷|奶奶|老太|我妈|我爸|我们)[^,。!?;]{0,4}(卡|关|困|锁)在[^,。!?;]{0,3}(电梯|轿厢)",
    "shock": r"触电|漏电|电到人|电到了|被电|电了一下|麻手|手麻|电击|打火花|带电|露着线头|线头露|"
             r"电线裸露|裸露的电线|电线外露|电线露|(灯|插座|电箱|电表箱|开关|配电)[^。!?]{0,6}(滴|进水|渗水|冒水)|"
             r"(电线|线头|电缆)[^。!?]{0,6}(掉|垂|耷拉|断了|露)|高压线",
    "flood": r"淹水|被淹|水淹|淹了|淹到|水漫金山|水漫进|漫进|漫出|倒灌[^。!?]{0,4}(车库|地下室|电梯|配电)|"
             r"(雨水|洪水|河水)倒灌|泡在水|泡水|进水了|"
             r"(?<!担心)(?<!怕)爆管|水管爆|管子爆|管道爆|爆裂|水管炸|管子炸|炸管|崩开|(热水|蒸汽|开水(?!龙头))[^。!?]{0,8}(喷|冒|涌)|"
             r"(地板|家里|屋里|客厅|地下室|车库)[^。!?]{0,4}(全泡|泡了)|"
             r"(管|阀|接头)[^。!?,]{0,6}(喷水|往外喷|狂喷|直喷)|水[^。!?]{0,8}没过|烫(死人|伤|到人)|"
             r"(水|阀)[^。!?]{0,4}(关不住|止不住|堵不住)|瀑布|水帘洞|往下灌|"
             r"(水|污水)[^。!?]{0,6}(漫|灌|涌)进(来|家|屋|车库|电梯|配电)|"
             r"(地下室|车库|电梯井|配电房|配电室)[^。!?]{0,6}(进水|淹)|水管(断|裂)了|管子(断|裂)了|(无法|没法|关不了|关不上|找不到)[^。!?]{0,4}(总阀|阀门)|总阀在哪|电梯井[^。!?]{0,6}(水|流)|水[^。!?]{0,6}电梯井|发大水",
    "bite": r"被狗咬|狗咬人了|咬伤(?!其?孩子衣服)|被咬(伤|了一口|出血|流血)|"
            r"(狗|犬)[^。!?]{0,12}咬(伤|破|到|了)|"
            r"被(?![^。!?,]{0,6}(蚊|虫|跳蚤|老鼠))[^。!?,]{0,6}咬(了|伤|到|破)|咬(破|出血)",
    "falling": r"砸到(人|头|车|身上|了人|我|孩子|小孩|老人)|砸伤|砸中|差点砸|砸下来|高空坠物|坠落|要掉下来|"
               r"快掉下来|掉下来了|摇摇欲坠|悬在半空|往外倒|掉下来[^,。!?;]{0,6}(人|头|身上)|"
               r"(掉|挪|晃|倒|悬|松)[^。!?]{0,12}(下面|底下|楼下)[^。!?]{0,6}(有人|人行道|幼儿园|单元门|门口|人走|走人|小孩)|"
               r"(树|枝|杆|架|牌|石|砖|瓦|玻璃)[^。!?]{0,12}(砸|压)(到|着|住|伤|中)?[^。!?]{0,3}(人|孩子|小孩|老人)|"
               r"随时(会|可能)?(掉|倒|塌|砸)|"
               r"悬在[^。!?]{0,8}上方|差点被砸|(倒|断)[^。!?]{0,8}(压|砸)(到|住|在)[^。!?]{0,4}(人|孩子|小孩)|"
               r"(倾斜|松脱|脱落|垂下来|断裂)[^。!?]{0,15}(下方|下面|底下)|撞倒[^。!?]{0,4}人|人撞倒|(挂着|悬着|吊着)[^。!?]{0,6}晃|风一(大|吹)就(晃|掉)|碎片掉落|倒塌|坍塌|塌陷|塌下来|从楼上(掉|扔|砸)|掉下来一|"
               r"(扔|丢)(了|下)[^。!?]{0,3}(砖|瓶|杯|刀|花盆|石)|砸碎",
    "injury": r"救命|昏迷|不省人事|晕倒|倒地不起|抽搐|呼吸困难|掉进(井|坑|水池|水里|化粪池)|"
              r"头破血流|流了好多血|流血不止|送医|(打|拨打|叫)了?120|叫救护车",
    "violence": r"(持|挥舞|举着?|手持)[^。!?]{0,3}(刀|剪刀|棍|棒|铁棍|斧|砖|锤)|肢体冲突|被人抢|"
                r"拿着?[^。!?]{0,3}(刀|斧)|"
                r"砍(我|人|死)|弄死|杀了|掐[^。!?]{0,4}脖子|打起来|打人|斗殴|"
                r"扬言[^。!?]{0,4}(打|砍|杀|伤|报复|弄死)|头都打破|(?<!被)撬(门|锁)|进贼|有小偷|跟着我",
}
# name → (pattern, context): fires when both occur anywhere in the text, e.g. "someone is
# still inside" in a text about a lift (one regex with a look-ahead would be quadratic).
DANGER_IN_CONTEXT: dict[str, tuple[str, str]] = {
    "trapped": (r"在里面|里面有(人|一位|个)|人还在|还在里面|出不去了|出不来了", r"电梯|电悌|梯子|轿厢|客梯"),
}
# A danger word does not count inside a clause that only fears, asks about or recalls it:
# the words below before it in the same clause (担心会着火, 上个月困人的事, 咨询…漏气),
# a negation just before it (无人被困, 没冒烟), or a figure of speech (气得冒烟). Another
# mention elsewhere in the text still counts. Clauses end at punctuation and at spaces (chat
# messages separate clauses with spaces). Measured on the training files by
# ``bench/triage.py --rules``.
CLAUSE_END = re.compile(r"[。!?;,，、\s]")
NOT_PRESENT_BEFORE = re.compile(
    r"担心|就怕|怕哪天|怕会|生怕|万一|会不会|如果|一旦|要是|防止|预防|演练|自救|指南|咨询|询问|建议|宣传|"
    r"上个月|上月|上次|上回|上周|去年|前几天|前段时间|那次")
NEGATED = re.compile(r"(无人|没人|没有|没|未|不|别)$")
FIGURE_OF_SPEECH = re.compile(r"气得.{0,3}冒烟|屁股着火|要着火了|心态爆炸|热得.{0,4}着火|急得.{0,3}冒火")

_DANGER = [(name, re.compile(pattern)) for name, pattern in DANGER.items()]
_DANGER_IN_CONTEXT = {name: (re.compile(pattern), re.compile(context))
                      for name, (pattern, context) in DANGER_IN_CONTEXT.items()}


@dataclass(frozen=True)
class Fired:
    rule: str
    match: str
    category: str = ""
    urgency: str = ""

    def as_dict(self) -> dict[str, str]:
        data = {"rule": self.rule, "match": self.match}
        if self.category:
            data["category"] = self.category
        if self.urgency:
            data["urgency"] = self.urgency
        return data


def _present(normal: str, found: re.Match[str]) -> bool:
    """Whether a danger word's match describes something happening, not feared or recalled."""
    start = found.start()
    while start > 0 and not CLAUSE_END.match(normal[start - 1]):
        start -= 1
    end = found.end()
    while end < len(normal) and not CLAUSE_END.match(normal[end]):
        end += 1
    before = normal[start:found.start()]
    return not (NOT_PRESENT_BEFORE.search(before) or NEGATED.search(before[-3:])
                or FIGURE_OF_SPEECH.search(normal[start:end]))


def _first_present(pattern: re.Pattern[str], normal: str) -> re.Match[str] | None:
    return next((m for m in pattern.finditer(normal) if _present(normal, m)), None)


def danger_matches(text: str) -> list[Fired]:
    """The danger rules that ``text`` trips (each with what it matched). Pure, no database."""
    normal = normalise(text)
    fired = []
    for name, pattern in _DANGER:
        found = _first_present(pattern, normal)
        if found is None and name in _DANGER_IN_CONTEXT:
            token, context = _DANGER_IN_CONTEXT[name]
            found = _first_present(token, normal) if context.search(normal) else None
        if found:
            fired.append(Fired(rule="danger." + name, match=found.group(0)[-12:], urgency="urgent"))
    return fired


# --------------------------------------------------------------------------- keyword rules


@dataclass(frozen=True)
class CompiledRule:
    pk: int
    name: str
    pattern: re.Pattern[str]
    category: str
    urgency: str


def _compile_rules() -> list[CompiledRule]:
    compiled = []
    for rule in KeywordRule.objects.filter(active=True).select_related("category"):
        try:
            pattern = re.compile(normalise(rule.pattern))
        except re.error:
            continue  # the admin validates patterns; an old bad row must not stop intake
        compiled.append(CompiledRule(rule.pk, rule.name, pattern,
                                     rule.category.code if rule.category else "", rule.urgency))
    return compiled


# The active keyword rules, compiled, kept per process (anju/lib/refcache.py).
keyword_rules: SnapshotCache[list[CompiledRule]] = SnapshotCache(_compile_rules, "triage.KeywordRule")


def keyword_matches(text: str) -> list[Fired]:
    normal = normalise(text)
    fired = []
    for rule in keyword_rules.get():
        found = rule.pattern.search(normal)
        if found:
            fired.append(Fired(rule=f"keyword.{rule.pk} {rule.name}", match=found.group(0),
                               category=rule.category, urgency=rule.urgency))
    return fired


def all_matches(text: str) -> list[Fired]:
    """Danger rules first, then keyword rules by priority."""
    return danger_matches(text) + keyword_matches(text)


def decide(fired: list[Fired], category: str, urgency: str) -> tuple[str, str, bool]:
    """Category and urgency after the rules, and whether a rule chose the category.

    A danger rule makes the text urgent, whatever a keyword rule says; otherwise the
    highest-priority keyword rule that sets a field sets it.
    """
    by_rule = False
    for item in fired:
        if item.category:
            category, by_rule = item.category, True
            break
    for item in fired:
        if item.urgency:
            urgency = item.urgency
            break
    if any(item.rule.startswith("danger.") for item in fired):
        urgency = "urgent"
    return category, urgency, by_rule


def intake_urgency(text: str, urgency: str) -> tuple[str, list[dict[str, Any]]]:
    """At intake: the urgency the complaint must get, and the rules that decided it.

    Danger words and keyword rules that set an urgency apply at once; the model's
    suggestion follows in the background (``anju.triage.receivers``). Never lowers an urgency
    staff or the resident chose.
    """
    fired = [item for item in all_matches(text) if item.urgency]
    if not fired:
        return urgency, []
    _, ruled, _ = decide(fired, "", urgency)
    order = ["low", "normal", "high", "urgent"]
    if order.index(ruled) > order.index(urgency):
        return ruled, [item.as_dict() for item in fired]
    return urgency, []
