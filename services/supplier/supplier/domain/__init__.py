"""Pure domain logic of the supplier service: no database, no Kafka, no HTTP.

Modules: ``credentials`` (credential types), ``credential_lifecycle`` (verification
state machine), ``reminders`` (expiry reminders), ``documents`` (upload checks by
content), ``performance`` (yearly figures and plausibility), ``footprints`` (PACT v3
product footprints), ``logistics`` (ISO 14083 / GLEC leg emissions).
"""
