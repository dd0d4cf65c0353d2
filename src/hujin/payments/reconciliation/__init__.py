"""The daily reconciliation of a payment channel (three ways: the channel's file, Hujin's
payments, the ledger), its breaks, and their resolution by maker-checker.

- ``files``: reading and checking a channel's reconciliation file;
- ``matching``: the three-way match of one channel and business date, pure (no writes);
- ``runs``: a run (``reconciliation_run``) records what the match found, breaks new /
  persisting / resolved, and the COB step;
- ``resolution``: proposing a break's resolution and executing it once a checker approves;
- ``suspense``: the suspense house account;
- ``selectors``: the console's reads.
"""
