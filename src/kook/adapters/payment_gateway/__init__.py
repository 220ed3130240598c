"""Bank gateways (SPEC §5): adapters of ``kook.application.wallet.ports.PaymentGateway``."""
