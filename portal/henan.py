"""What makes demo and synthetic records read like real ones in 河南: names, places, phones, employers, schools.

Shared by ``load_demo`` and the synthetic generator (``portal/synthetic.py``). Everything
here is plain tables and pure functions of a ``random.Random``, so the generator stays
deterministic for a seed and fast (no queries).

* Names: common surnames with roughly their national frequencies (per cent), and given
  names drawn from pools by gender and by the decade of birth, as naming fashions changed
  (建国 and 秀英 for the 1950s–70s, 伟 and 娜 for the 1980s–90s, 子轩 and 欣怡 after 2000).
* Places: the province's real county-level units with their region codes (the first six
  digits of a resident ID number, GB/T 2260, as python-stdnum's table knows them today).
* Phones: mobile numbers on real operators' prefixes (1[3-9]x); landlines with the
  city's area code (洛阳 0379, 郑州 0371 …).
"""

import datetime

# fmt: off
SURNAMES = {
    "王": 7.3, "李": 7.2, "张": 7.0, "刘": 5.4, "陈": 4.5, "杨": 3.1, "赵": 2.3, "黄": 2.2, "周": 1.7, "吴": 1.6,
    "徐": 1.3, "孙": 1.3, "胡": 1.3, "朱": 1.3, "高": 1.2, "林": 1.2, "何": 1.2, "郭": 1.1, "马": 1.1, "罗": 0.9,
    "梁": 0.8, "宋": 0.7, "郑": 0.7, "谢": 0.7, "韩": 0.6, "唐": 0.6, "冯": 0.6, "于": 0.5, "董": 0.5, "萧": 0.1,
    "程": 0.5, "曹": 0.5, "袁": 0.5, "邓": 0.5, "许": 0.5, "傅": 0.4, "沈": 0.4, "曾": 0.4, "彭": 0.4, "吕": 0.4,
    "苏": 0.4, "卢": 0.4, "蒋": 0.4, "蔡": 0.4, "贾": 0.4, "丁": 0.4, "魏": 0.4, "薛": 0.3, "叶": 0.3, "阎": 0.3,
    "余": 0.3, "潘": 0.3, "杜": 0.3, "戴": 0.3, "夏": 0.3, "钟": 0.3, "汪": 0.3, "田": 0.3, "任": 0.3, "姜": 0.3,
    "范": 0.3, "方": 0.3, "石": 0.3, "姚": 0.3, "谭": 0.2, "廖": 0.2, "邹": 0.2, "熊": 0.2, "金": 0.2, "陆": 0.2,
    "郝": 0.2, "孔": 0.2, "白": 0.2, "崔": 0.2, "康": 0.2, "毛": 0.2, "邱": 0.2, "秦": 0.2, "江": 0.2, "史": 0.2,
}

# Given names by gender and era of birth: (born before 1975, 1975–1994, from 1995).
MALE_GIVEN = (
    ("建国", "建军", "国强", "志强", "志刚", "卫东", "德胜", "保国", "新民", "振华", "建华", "国庆", "跃进", "长江",
     "永福", "金山", "海", "军", "强", "刚", "平", "勇", "明", "斌", "忠", "林", "松", "建设"),
    ("伟", "磊", "涛", "超", "鹏", "浩", "杰", "斌", "洋", "勇", "军", "强", "明", "亮", "俊", "飞", "晨", "宇", "鑫",
     "帅", "海涛", "建伟", "志伟", "晓东", "小龙", "文博", "国栋", "红伟", "永强", "海峰"),
    ("浩然", "子轩", "梓轩", "宇航", "俊杰", "一鸣", "博文", "子豪", "皓轩", "天佑", "家乐", "明轩", "晨阳", "宇轩",
     "浩宇", "睿", "航", "晨", "宇", "浩", "鑫", "博", "昊天", "嘉豪", "梓豪", "铭泽"),
)
FEMALE_GIVEN = (
    ("秀英", "桂兰", "玉兰", "秀兰", "凤英", "桂芳", "秀梅", "淑芬", "丽华", "玉梅", "玉珍", "素梅", "秀珍", "桂英",
     "淑珍", "春梅", "翠花", "金凤", "红", "霞", "英", "芳", "兰", "萍", "梅", "丽"),
    ("芳", "娜", "静", "丽", "敏", "艳", "娟", "婷", "燕", "霞", "丹", "倩", "颖", "雪", "晶", "慧", "琳", "洁", "红",
     "小红", "晓燕", "丽娟", "海燕", "红霞", "晓丽", "艳红", "晓雨", "丽丽", "春燕", "亚楠", "佳"),
    ("子涵", "欣怡", "梓涵", "雨萱", "诗涵", "可欣", "一诺", "语桐", "思雨", "佳怡", "梦瑶", "雨欣", "若汐", "欣妍",
     "紫涵", "婉清", "佳", "悦", "雨桐", "梦琪", "思琪", "静怡", "晓雨", "佳琪"),
)
# fmt: on
MALE_NAMES = frozenset(name for era in MALE_GIVEN for name in era)
FEMALE_NAMES = frozenset(name for era in FEMALE_GIVEN for name in era)

# The union's cities with their area codes and the length of a local number there (郑州 and
# 开封 share 0371 since 2005, and with 洛阳 dial eight digits; the other cities seven).
# fmt: off
CITIES = [
    # code, name, area code, local digits
    ("410100", "郑州市", "0371", 8), ("410200", "开封市", "0371", 8), ("410300", "洛阳市", "0379", 8),
    ("410400", "平顶山市", "0375", 7), ("410500", "安阳市", "0372", 7), ("410600", "鹤壁市", "0392", 7),
    ("410700", "新乡市", "0373", 7), ("410800", "焦作市", "0391", 7), ("410900", "濮阳市", "0393", 7),
    ("411000", "许昌市", "0374", 7), ("411100", "漯河市", "0395", 7), ("411200", "三门峡市", "0398", 7),
    ("411300", "南阳市", "0377", 7), ("411400", "商丘市", "0370", 7), ("411500", "信阳市", "0376", 7),
    ("411600", "周口市", "0394", 7), ("411700", "驻马店市", "0396", 7),
]
AREA_CODES = {code: (area, digits) for code, _name, area, digits in CITIES}

# Every county-level unit of those cities in use today, with its region code (python-stdnum's cn/loc table).
COUNTIES = {
    "410100": [("410102", "中原区"), ("410103", "二七区"), ("410104", "管城回族区"), ("410105", "金水区"),
               ("410106", "上街区"), ("410108", "惠济区"), ("410122", "中牟县"), ("410181", "巩义市"),
               ("410182", "荥阳市"), ("410183", "新密市"), ("410184", "新郑市"), ("410185", "登封市")],
    "410200": [("410202", "龙亭区"), ("410203", "顺河回族区"), ("410204", "鼓楼区"), ("410205", "禹王台区"),
               ("410212", "祥符区"), ("410221", "杞县"), ("410222", "通许县"), ("410223", "尉氏县"),
               ("410225", "兰考县")],
    "410300": [("410302", "老城区"), ("410303", "西工区"), ("410304", "瀍河回族区"), ("410305", "涧西区"),
               ("410307", "偃师区"), ("410308", "孟津区"), ("410311", "洛龙区"), ("410323", "新安县"),
               ("410324", "栾川县"), ("410325", "嵩县"), ("410326", "汝阳县"), ("410327", "宜阳县"),
               ("410328", "洛宁县"), ("410329", "伊川县")],
    "410400": [("410402", "新华区"), ("410403", "卫东区"), ("410404", "石龙区"), ("410411", "湛河区"),
               ("410421", "宝丰县"), ("410422", "叶县"), ("410423", "鲁山县"), ("410425", "郏县"),
               ("410481", "舞钢市"), ("410482", "汝州市")],
    "410500": [("410502", "文峰区"), ("410503", "北关区"), ("410505", "殷都区"), ("410506", "龙安区"),
               ("410522", "安阳县"), ("410523", "汤阴县"), ("410526", "滑县"), ("410527", "内黄县"),
               ("410581", "林州市")],
    "410600": [("410602", "鹤山区"), ("410603", "山城区"), ("410611", "淇滨区"), ("410621", "浚县"),
               ("410622", "淇县")],
    "410700": [("410702", "红旗区"), ("410703", "卫滨区"), ("410704", "凤泉区"), ("410711", "牧野区"),
               ("410721", "新乡县"), ("410724", "获嘉县"), ("410725", "原阳县"), ("410726", "延津县"),
               ("410727", "封丘县"), ("410781", "卫辉市"), ("410782", "辉县市"), ("410783", "长垣市")],
    "410800": [("410802", "解放区"), ("410803", "中站区"), ("410804", "马村区"), ("410811", "山阳区"),
               ("410821", "修武县"), ("410822", "博爱县"), ("410823", "武陟县"), ("410825", "温县"),
               ("410882", "沁阳市"), ("410883", "孟州市")],
    "410900": [("410902", "华龙区"), ("410922", "清丰县"), ("410923", "南乐县"), ("410926", "范县"),
               ("410927", "台前县"), ("410928", "濮阳县")],
    "411000": [("411002", "魏都区"), ("411003", "建安区"), ("411024", "鄢陵县"), ("411025", "襄城县"),
               ("411081", "禹州市"), ("411082", "长葛市")],
    "411100": [("411102", "源汇区"), ("411103", "郾城区"), ("411104", "召陵区"), ("411121", "舞阳县"),
               ("411122", "临颍县")],
    "411200": [("411202", "湖滨区"), ("411203", "陕州区"), ("411221", "渑池县"), ("411224", "卢氏县"),
               ("411281", "义马市"), ("411282", "灵宝市")],
    "411300": [("411302", "宛城区"), ("411303", "卧龙区"), ("411321", "南召县"), ("411322", "方城县"),
               ("411323", "西峡县"), ("411324", "镇平县"), ("411325", "内乡县"), ("411326", "淅川县"),
               ("411327", "社旗县"), ("411328", "唐河县"), ("411329", "新野县"), ("411330", "桐柏县"),
               ("411381", "邓州市")],
    "411400": [("411402", "梁园区"), ("411403", "睢阳区"), ("411421", "民权县"), ("411422", "睢县"),
               ("411423", "宁陵县"), ("411424", "柘城县"), ("411425", "虞城县"), ("411426", "夏邑县"),
               ("411481", "永城市")],
    "411500": [("411502", "浉河区"), ("411503", "平桥区"), ("411521", "罗山县"), ("411522", "光山县"),
               ("411523", "新县"), ("411524", "商城县"), ("411525", "固始县"), ("411526", "潢川县"),
               ("411527", "淮滨县"), ("411528", "息县")],
    "411600": [("411602", "川汇区"), ("411603", "淮阳区"), ("411621", "扶沟县"), ("411622", "西华县"),
               ("411623", "商水县"), ("411624", "沈丘县"), ("411625", "郸城县"), ("411627", "太康县"),
               ("411628", "鹿邑县"), ("411681", "项城市")],
    "411700": [("411702", "驿城区"), ("411721", "西平县"), ("411722", "上蔡县"), ("411723", "平舆县"),
               ("411724", "正阳县"), ("411725", "确山县"), ("411726", "泌阳县"), ("411727", "汝南县"),
               ("411728", "遂平县"), ("411729", "新蔡县")],
}

# Sub-districts and towns (街道/镇) common across the province, and the communities and roads in them.
STREETS = ["城关镇", "东城街道", "西城街道", "南关街道", "北关街道", "新华街道", "人民路街道", "解放路街道",
           "建设路街道", "文化路街道", "花园路街道", "工业路街道", "火车站街道", "黄河路街道", "中原路街道",
           "光明路街道", "胜利街道", "和平街道", "长春路街道", "桥南街道"]
COMMUNITIES = ["幸福", "和谐", "建业", "阳光", "锦绣", "康乐", "育才", "文苑", "朝阳", "东风", "红星", "新村",
               "安居", "丰收", "兴隆", "玉兰", "桂园", "翠竹"]
ROADS = ["人民路", "解放路", "建设路", "中州路", "文化路", "健康路", "工农路", "团结路", "新华路", "和平路", "胜利路",
         "黄河路", "嵩山路", "光明路", "青年路", "民主路"]

# Big employers of each city (state-owned mills and the like, where hardship families' breadwinners
# were laid off from) and local kinds of workplace named after the county.
EMPLOYERS = {
    "410100": ["郑州宇通客车股份有限公司", "郑州煤矿机械集团", "郑州国棉三厂", "郑州三全食品股份有限公司",
               "郑州思念食品有限公司", "郑州日产汽车有限公司", "郑州铝厂", "郑州第二砂轮厂"],
    "410200": ["开封空分集团有限公司", "开封火电厂", "开封制药厂", "开封高压阀门厂", "开封化肥厂"],
    "410300": ["洛阳轴承厂", "中国一拖集团有限公司", "洛阳玻璃厂", "洛阳铜加工厂", "洛阳矿山机器厂",
               "洛阳栾川钼业集团", "洛阳白马集团"],
    "410400": ["平煤神马集团", "平顶山帘子布厂", "平顶山高压开关厂", "舞阳钢铁公司"],
    "410500": ["安阳钢铁集团", "安阳彩色显像管玻壳有限公司", "安阳第一棉纺厂", "安阳化学工业集团"],
    "410600": ["鹤壁煤业集团", "鹤壁市天海电子有限公司", "鹤壁市制药厂"],
    "410700": ["新乡化纤股份有限公司", "新乡白鹭集团", "新乡市第一棉纺厂", "新乡电池厂"],
    "410800": ["焦作煤业集团", "风神轮胎股份有限公司", "焦作电厂", "焦作市化工三厂"],
    "410900": ["中原油田", "濮阳市化肥厂", "濮阳龙丰纸业有限公司"],
    "411000": ["许继集团有限公司", "瑞贝卡发制品股份有限公司", "许昌卷烟厂", "许昌市第一棉纺厂"],
    "411100": ["双汇集团", "漯河市卷烟厂", "漯河市第一棉纺厂"],
    "411200": ["义马煤业集团", "三门峡市印染厂", "灵宝黄金股份有限公司"],
    "411300": ["南阳防爆电机厂", "南阳二机集团", "南阳纺织集团", "南阳油田"],
    "411400": ["商丘市第一棉纺厂", "永城煤电集团", "商丘市化肥厂"],
    "411500": ["信阳市第一棉纺厂", "信阳钢铁有限公司", "信阳市茶叶公司"],
    "411600": ["莲花味精集团", "周口市第一棉纺厂", "周口市面粉厂"],
    "411700": ["驻马店市第一棉纺厂", "驻马店市化肥厂", "驻马店市面粉厂"],
}
LOCAL_WORKPLACES = ["建筑工程公司", "水泥厂", "纺织厂", "食品厂", "机械厂", "农机修造厂", "供销合作社", "印刷厂",
                    "家政服务有限公司", "百货大楼", "物流有限公司", "运输公司", "造纸厂", "耐火材料厂", "酒店",
                    "环卫所", "物业管理有限公司", "服装厂"]

# Universities and colleges: in the province (the generator's "local") and elsewhere.
UNIVERSITIES_LOCAL = ["郑州大学", "河南大学", "河南科技大学", "河南理工大学", "河南农业大学", "河南师范大学",
                      "河南财经政法大学", "华北水利水电大学", "河南工业大学", "洛阳理工学院", "郑州轻工业大学"]
UNIVERSITIES_ELSEWHERE = ["武汉大学", "西安交通大学", "山东大学", "北京师范大学", "华中科技大学", "中南大学",
                          "湖北大学", "陕西师范大学"]
COLLEGES_LOCAL = ["河南职业技术学院", "郑州铁路职业技术学院", "河南工业职业技术学院", "洛阳职业技术学院",
                  "开封大学", "黄河水利职业技术学院", "河南经贸职业学院", "漯河职业技术学院"]
# fmt: on
# fmt: off
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
                   "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185", "186",
                   "187", "188", "189", "191", "199"]
# fmt: on
NUMERALS = "一二三四五六七八九十"

# The school stage entered at each age (completed years on 1 September of the year of entry).
ENTRY_AGES = {
    "primary": (6, 7),
    "junior_secondary": (12, 13),
    "senior_secondary": (15, 16),
    "secondary_vocational": (15, 16),
    "junior_college": (18, 19),
    "undergraduate": (18, 19),
    "postgraduate": (22, 23),
}
SCHOOL_YEAR_STARTS = (9, 1)  # 秋季入学


def school_start_year(born):
    """The year a child born on ``born`` starts primary school: at six, if six by 31 August (else a year later)."""
    return born.year + (6 if born.month < 9 else 7)


def age_on(born, day):
    """Completed years of age on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def entry_day(year):
    return datetime.date(year, *SCHOOL_YEAR_STARTS)


def given_name(rng, male, born):
    """A given name fitting the gender and the decade of birth (now and then one of the neighbouring era)."""
    era = 0 if born.year < 1975 else 1 if born.year < 1995 else 2
    if rng.random() < 0.15:
        era = min(2, max(0, era + rng.choice((-1, 1))))
    return rng.choice((MALE_GIVEN if male else FEMALE_GIVEN)[era])


_SURNAME_KEYS = list(SURNAMES)
_SURNAME_CUMULATIVE = []
_total = 0.0
for _weight in SURNAMES.values():
    _total += _weight
    _SURNAME_CUMULATIVE.append(_total)


def surname(rng):
    """A surname drawn with its frequency."""
    return rng.choices(_SURNAME_KEYS, cum_weights=_SURNAME_CUMULATIVE)[0]


def split_name(name):
    """(surname, given name): every surname here has one character."""
    return name[:1], name[1:]


def mobile(rng):
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng, city_code):
    """A number of the city's exchange: area code, a hyphen, a local number starting 2–8."""
    area, digits = AREA_CODES[city_code]
    return f"{area}-{rng.randrange(2, 9)}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"


def place_name(city_name, county_name):
    """How a school or an address names a county: a district with its city (洛阳市涧西区), else the county itself."""
    return f"{city_name}{county_name}" if county_name.endswith("区") else county_name


def employer(rng, city_code, county_name):
    """A workplace: one of the city's big employers, or a local one named after the county."""
    if rng.random() < 0.5:
        return rng.choice(EMPLOYERS[city_code])
    return f"{county_name}{rng.choice(LOCAL_WORKPLACES)}"


def school(rng, stage, city_name, county_name):
    """A school of ``stage`` named after its place (巩义市第二初级中学, 洛阳市第一高级中学, 河南科技大学)."""
    place = place_name(city_name, county_name)
    if stage == "primary":
        return f"{place}实验小学" if rng.random() < 0.3 else f"{place}第{rng.choice(NUMERALS)}小学"
    if stage == "junior_secondary":
        return f"{place}第{rng.choice(NUMERALS)}初级中学"
    if stage == "senior_secondary":
        return f"{city_name}第{rng.choice(NUMERALS[:6])}高级中学" if rng.random() < 0.3 else f"{place}高级中学"
    if stage == "secondary_vocational":
        return f"{place}职业教育中心"
    if stage == "junior_college":
        return rng.choice(COLLEGES_LOCAL)
    return rng.choice(UNIVERSITIES_LOCAL + UNIVERSITIES_ELSEWHERE)
