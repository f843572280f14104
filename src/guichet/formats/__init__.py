"""Date and number formats per language (FORMAT_MODULE_PATH): English pages read dates day-month-year, 24 h."""
