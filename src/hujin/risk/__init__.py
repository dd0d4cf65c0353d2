"""Risk and AML monitoring (docs/modules/risk.md): rules as data over every money movement and
log-in. This first part is the rules' condition language (``expressions``)."""
