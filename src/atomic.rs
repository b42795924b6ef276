//! Files written whole or not at all (tables, the report, cache entries):
//! a temporary file beside the target, persisted over it (a leaf module).

use std::path::Path;

/// A temporary file in `dir` created with the permissions of a plain
/// `File::create` (0666 less the umask), not tempfile's private 0600: the
/// tables are for analysts, who may read them under another account.
pub fn readable_temp_file(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
}
