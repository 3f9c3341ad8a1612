"""Every supplier domain error and the problem+json status and title it is answered with."""

from supplier.domain.credential_lifecycle import InvalidTransition, ReasonRequired
from supplier.domain.credential_records import (
    CredentialAlreadyExists,
    CredentialNotFound,
    DocumentAlreadyAttached,
    DocumentMissing,
)
from supplier.domain.errors import SupplierAlreadyExists, SupplierNotFound
from supplier.domain.footprints import SupersedeError
from supplier.domain.logistics import LogisticsError
from supplier.domain.model import FieldNotEditable, StaleVersion
from supplier.domain.sites import SiteNotFound
from supplier.imports.rows import PayloadRejected
from supplier.service_layer.footprints import FootprintExists, FootprintNotActive, FootprintNotFound
from supplier.service_layer.imports import ImportJobNotFound
from supplier.service_layer.performance import PerformanceYearNotFound, UnknownSite
from supplier.service_layer.shipments import ShipmentNotFound

DOMAIN_ERRORS: dict[type[Exception], tuple[int, str]] = {
    SupplierNotFound: (404, "Supplier not found"),
    SupplierAlreadyExists: (409, "Supplier exists"),
    StaleVersion: (412, "Precondition failed"),
    FieldNotEditable: (422, "Field not editable"),
    SiteNotFound: (404, "Site not found"),
    PerformanceYearNotFound: (404, "Performance year not found"),
    UnknownSite: (422, "Unknown site"),
    PayloadRejected: (422, "Import file refused"),
    ImportJobNotFound: (404, "Import job not found"),
    FootprintNotFound: (404, "Footprint not found"),
    FootprintExists: (409, "Footprint exists"),
    FootprintNotActive: (422, "Footprint not active"),
    SupersedeError: (409, "Footprint cannot be superseded"),
    ShipmentNotFound: (404, "Shipment not found"),
    LogisticsError: (422, "Emissions cannot be calculated"),
    CredentialNotFound: (404, "Credential not found"),
    CredentialAlreadyExists: (409, "Credential exists"),
    InvalidTransition: (409, "Invalid state transition"),
    ReasonRequired: (422, "Reason required"),
    DocumentAlreadyAttached: (409, "Document already attached"),
    DocumentMissing: (404, "Document not found"),
}
