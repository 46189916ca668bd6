"""The five modules' names in Chinese, as the programme writes them in China."""

from django.db import migrations

NAMES_ZH = {
    "M1": ("工作场所合作", "工作场所合作"),
    "M2": ("质量管理", "质量管理"),
    "M3": ("通过清洁生产提高生产率", "清洁生产"),
    "M4": ("为合作和商业成功而进行的劳动力管理", "人力资源管理"),
    "M5": ("工作场所安全与健康：提高生产率的平台", "职业安全与健康"),
}


def forwards(apps, schema_editor):
    Module = apps.get_model("programmes", "Module")
    for code, (name_zh, short_name_zh) in NAMES_ZH.items():
        Module.objects.filter(code=code, name_zh="").update(name_zh=name_zh, short_name_zh=short_name_zh)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_chinese_names")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
