"""The default taxonomy from TAXONOMY.md, seeded by a data migration.

Administrators rename, add and retire entries in the admin afterwards; codes are stable.
"""

DEPARTMENTS = [
    ("engineering", "工程部", "Engineering"),
    ("environment", "环境部", "Environment"),
    ("order", "秩序部", "Order and security"),
    ("customer_service", "客服部", "Customer service"),
    ("quality", "品质部", "Quality"),
]

# code, name, English name, department, typical content
CATEGORIES = [
    ("repair", "工程维修", "Repairs", "engineering",
     "渗漏水、管道下水、门窗、墙面开裂、屋面、户内水电维修"),
    ("elevator", "电梯", "Lifts", "engineering", "故障、停梯、困人、异响、年检、按键"),
    ("utilities", "水电气暖供应", "Water, power, gas and heating", "engineering",
     "无通知停水停电、水压低、水质发黄、暖气不热、燃气"),
    ("public_facility", "公共设施", "Shared facilities", "engineering",
     "路灯、门禁道闸对讲、监控、健身器材、消防设施、单元门、信报箱"),
    ("sanitation", "环境卫生", "Cleaning and sanitation", "environment",
     "垃圾清运、楼道保洁、异味、化粪池、鼠患蟑螂、垃圾分类"),
    ("greening", "绿化", "Greening", "environment",
     "修剪树木、草坪、植物枯死、树木遮光、打药、绿地被占"),
    ("security", "安全秩序", "Security and order", "order",
     "陌生人进入、盗窃、保安脱岗睡岗、巡逻、高空抛物、快递随意进出"),
    ("parking", "停车管理", "Parking", "order",
     "乱停车、车位被占、消防通道堵塞、车库、充电桩、外来车辆"),
    ("noise", "噪音扰民", "Noise", "order", "违规时间装修、广场舞、邻居、水泵空调外机、商铺"),
    ("renovation", "装修管理", "Renovation", "order",
     "违规装修、违章搭建、承重墙、装修垃圾、封阳台"),
    ("pets", "宠物管理", "Pets", "order", "遛狗不牵绳、狗粪、犬吠、大型犬、咬人"),
    ("fees", "收费争议", "Fees", "customer_service",
     "物业费标准与上涨、公摊水电、停车费、收费不透明、发票、多收费"),
    ("service_attitude", "服务态度与效率", "Service attitude and efficiency", "quality",
     "态度差、推诿、电话无人接、维修慢、不回复"),
    ("neighbor_dispute", "邻里纠纷", "Neighbour disputes", "customer_service",
     "漏水责任、公共区域堆物、楼道堵塞、油烟"),
    ("out_of_scope", "非物业服务范畴", "Outside property services", "customer_service",
     "开发商保修与交房纠纷、学区与政策、快递公司、小区外市政道路、商户纠纷"),
]


def seed(department_model, category_model) -> None:
    """Create the default departments and categories that do not exist yet.

    Takes the models as arguments so the data migration can pass its historical ones.
    """
    departments = {}
    for code, name, name_en in DEPARTMENTS:
        departments[code], _ = department_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en})
    for order, (code, name, name_en, department, description) in enumerate(CATEGORIES):
        category_model.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "department": departments[department],
            "description": description, "sort_order": order})
