"""Sent after a complaint change has committed: ``complaint`` and ``action`` arguments.

Receivers do follow-up work (deadline recomputation, live boards); they never change
the complaint inside the transaction that caused the signal.
"""

from django.dispatch import Signal

complaint_changed = Signal()
