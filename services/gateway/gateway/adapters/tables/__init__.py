"""Tables by area, all on the one `gateway.adapters.orm.metadata`; migrations create them."""
