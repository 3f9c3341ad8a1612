"""Every supplier domain error and the problem+json status and title it is answered with."""

from supplier.domain.errors import SupplierAlreadyExists, SupplierNotFound

DOMAIN_ERRORS: dict[type[Exception], tuple[int, str]] = {
    SupplierNotFound: (404, "Supplier not found"),
    SupplierAlreadyExists: (409, "Supplier exists"),
}
