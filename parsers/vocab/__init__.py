"""One home for the words and codes orders use: labels, units, currencies, dates, numbers, item-id qualifiers."""
