"""Payments: bank cards (binding, verification through a payment channel, default card)."""
