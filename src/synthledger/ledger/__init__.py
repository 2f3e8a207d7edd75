"""The ledger: git access, history, snapshots, the additive-only rule, pre-receive."""
