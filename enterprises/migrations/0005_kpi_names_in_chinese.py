"""The default KPI catalogue's names and units in Chinese."""

from django.db import migrations

NAMES_ZH = {
    "Defect / reject rate": ("缺陷率 / 废品率", "占产出的百分比"),
    "Labour productivity (output per worker)": ("劳动生产率（人均产出）", "每工时产量"),
    "On-time delivery": ("准时交货率", "占订单的百分比"),
    "Absenteeism": ("缺勤率", "占计划工作日的百分比"),
    "Labour turnover": ("员工流失率", "每月占员工总数的百分比"),
    "Employee suggestions received": ("收到的员工建议", "条"),
    "Suggestions implemented": ("已实施的建议", "%"),
    "Accidents": ("事故", "每月起数"),
    "Hazards controlled": ("已控制的危险源", "个"),
    "Energy use": ("能耗", "每单位千瓦时"),
    "Waste": ("废弃物", "每单位千克"),
    "Cost savings / benefits": ("成本节约 / 效益", "元人民币"),
    "Material recovery rate": ("材料回收率", "%"),
    "Problems solved": ("已解决的问题", "个"),
}


def forwards(apps, schema_editor):
    KPI = apps.get_model("enterprises", "KPI")
    for name, (name_zh, unit_zh) in NAMES_ZH.items():
        KPI.objects.filter(name=name, name_zh="").update(name_zh=name_zh, unit_zh=unit_zh)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_chinese_names")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
