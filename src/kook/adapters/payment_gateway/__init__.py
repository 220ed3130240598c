"""Bank gateways (SPEC §5): adapters of ``kook.application.wallet.gateway.PaymentGateway``."""
