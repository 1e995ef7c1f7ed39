"""What the accounts announce, for the layers above to record.

The accounts sit below the audit log, so they write no audit entries themselves: they
send these signals at the point of the change, inside its transaction, and
``anju.audit.receivers`` turns each into its entry. A receiver that raises fails the
change, as an audit write inside the change would.

===========================  ======================  ===================================
signal                       sender                  arguments
===========================  ======================  ===================================
``sign_in_locked``           ``SignInThrottle``      ``throttle`` (the row), ``scope``,
                                                     ``until``
``token_revoked``            ``ApiToken``            ``token``
``two_factor_enrolled``      ``TwoFactor``           ``user``
``recovery_code_used``       ``RecoveryCode``        ``user``, ``left`` (codes unused)
``two_factor_reset``         ``TwoFactor``           ``user``, ``actor`` (who reset it)
===========================  ======================  ===================================
"""

from __future__ import annotations

from django.dispatch import Signal

sign_in_locked = Signal()
token_revoked = Signal()
two_factor_enrolled = Signal()
recovery_code_used = Signal()
two_factor_reset = Signal()
