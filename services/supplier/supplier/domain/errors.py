"""Errors of the supplier domain; the API maps each to one problem+json status."""


class SupplierError(Exception):
    """Base of the supplier domain's errors."""


class SupplierNotFound(SupplierError):
    def __init__(self, supplier_id: object) -> None:
        super().__init__(f"No supplier with id {supplier_id}.")


class SupplierAlreadyExists(SupplierError):
    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"A supplier with {field} {value} is already registered.")
