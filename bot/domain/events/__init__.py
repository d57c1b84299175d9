"""Events: the data types of an event summary (dates, places, sources) and admin input parsing."""
