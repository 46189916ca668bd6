"""The masthead and footer the newsletter printed from its templates and settings.SCORE_OFFICE_CONTACT, now rows
the editors edit. Reference data: listed in REFERENCE_DATA in tests/conftest.py."""

from django.db import migrations

OFFICE = {
    "name": "ILO Country Office for China and Mongolia",
    "address": "1-10 Tayuan Diplomatic Office Building, Beijing 100600, China",
    "telephone": "+86 10 6532 5091",
    "fax": "+86 10 6532 1420",
    "web": "www.ilo.org/score",
}

DEFAULTS = {
    "en": {
        "newsletter_name": "SCORE China e-newsletter",
        "programme_line": "SUSTAINING COMPETITIVE AND RESPONSIBLE ENTERPRISES (SCORE)",
        "publisher": "International Labour Organization",
        "team_signature": "SCORE China Team",
        "footer_heading": "For more information on SCORE China",
        "office_name": OFFICE["name"],
        "address": OFFICE["address"],
    },
    "zh-hans": {
        "newsletter_name": "SCORE 中国电子简报",
        "programme_line": "可持续竞争力和负责任企业（SCORE）",
        "publisher": "国际劳工组织",
        "team_signature": "SCORE 中国项目组",
        "footer_heading": "了解 SCORE 中国项目的更多信息",
        "office_name": "国际劳工组织中国和蒙古局",
        "address": "中国北京市建国门外塔园外交办公楼1-10号，邮编100600",
    },
}


def forwards(apps, schema_editor):
    Masthead = apps.get_model("newsletters", "Masthead")
    for language, texts in DEFAULTS.items():
        Masthead.objects.get_or_create(
            language=language,
            defaults={
                **texts,
                "telephone": OFFICE["telephone"],
                "fax": OFFICE["fax"],
                "web": OFFICE["web"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0012_masthead")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
