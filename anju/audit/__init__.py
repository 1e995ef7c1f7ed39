"""The tamper-evident audit log: who did what to which record, chained by SHA-256.

Write entries only through ``anju.audit.log.record``; check the chain with
``anju audit verify``.
"""
