//! SHA-256 digests as hex, for content hashes, cache keys and the hashes
//! that tables and models carry (a leaf module).

use sha2::{Digest, Sha256};

/// The full hex digest of some bytes.
pub(crate) fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    hex(Sha256::digest(bytes))
}

/// The hex of a finished digest (`Sha256::finalize`).
pub(crate) fn hex(digest: impl std::fmt::LowerHex) -> String {
    format!("{digest:x}")
}

/// The first 8 bytes (16 hex digits): enough to tell settings or model
/// files apart, short enough for file names and table metadata.
pub(crate) fn short(hex: &str) -> String {
    hex.chars().take(16).collect()
}
