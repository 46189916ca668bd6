# One date format per language, on every page and table (https://docs.djangoproject.com/en/5.2/topics/i18n/formatting/).
DATE_FORMAT = SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
