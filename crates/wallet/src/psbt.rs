//! PSBT (BIP174) — in progress.
