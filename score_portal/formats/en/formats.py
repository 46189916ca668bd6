# One date format per language, on every page, table and form (https://docs.djangoproject.com/en/5.2/topics/i18n/formatting/):
# English pages write ISO dates, unambiguous across the programme's countries.
DATE_FORMAT = SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "F Y"
