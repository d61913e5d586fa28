"""Local date formats (``FORMAT_MODULE_PATH``): Django's own for Italian,
day-month-year for English, because the English interface is read in Italy."""
