# One date format per language, on every page and table (https://docs.djangoproject.com/en/5.2/topics/i18n/formatting/).
DATE_FORMAT = SHORT_DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"
