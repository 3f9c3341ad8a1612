"""Tables by area, all on the one `supplier.adapters.orm.metadata`; migrations create them."""
