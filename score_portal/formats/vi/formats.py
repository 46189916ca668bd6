# One date format per language, on every page and table (https://docs.djangoproject.com/en/5.2/topics/i18n/formatting/):
# Vietnamese writes day/month/year ("07/12/2026"); numbers keep Django's Vietnamese separators (4,13; 1.234).
DATE_FORMAT = SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "d/m/Y H:i"
YEAR_MONTH_FORMAT = r"\t\h\á\n\g n/Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
