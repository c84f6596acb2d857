"""Folder upload: scan, classify, plan, send in parallel with retries, resume from a ledger."""
