"""The customer an actor is, for every read and write of the wealth module."""

from hujin.core.actors import Actor
from hujin.customers.selectors import OwnStanding, own_standing
from hujin.wealth.errors import NotACustomer


def customer_of(actor: Actor) -> OwnStanding:
    """The standing of the customer ``actor`` acts as. Raises NotACustomer for anyone else."""
    standing = own_standing(actor=actor)
    if standing is None:
        raise NotACustomer()
    return standing
