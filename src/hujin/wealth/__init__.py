"""Wealth: suitability, orders, holdings and earnings (issue 14). This slice: the suitability
gate every purchase passes, with its decisions and the special risk warnings customers confirm
recorded."""
