//! Resource-server permission strings (`backend/internal/resource/service.go` `validateHandle`,
//! `validateDelimiter`, `derivePermission`): the rules fixtures and the resource API share.
//!
//! A top-level resource's permission is its handle; a nested one's is its parent's permission, the
//! delimiter, then its handle; an action's is its resource's permission, the delimiter and its
//! handle, or just its handle at the resource-server level. The server's `identifier` is never part
//! of a permission.

/// `resource.default_delimiter`.
pub(crate) const DEFAULT_DELIMITER: &str = ":";

/// The characters a delimiter may be (the error text also lists letters and digits, but the code
/// refuses them).
const DELIMITERS: &[u8] = b"._:-/";

/// The longest handle, in bytes.
pub(crate) const MAX_HANDLE_LENGTH: usize = 100;

/// Why a handle was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandleError {
    /// Empty, too long, or a character outside `a-zA-Z0-9._:-/` (RES-1016).
    Invalid,
    /// Contains the resource server's delimiter (RES-1017).
    ContainsDelimiter,
}

/// `validateDelimiter`: exactly one byte of `. _ : - /`.
pub(crate) fn valid_delimiter(delimiter: &str) -> bool {
    matches!(delimiter.as_bytes(), [byte] if DELIMITERS.contains(byte))
}

/// `validateHandle`: each character in order, the character set first, then the delimiter.
pub(crate) fn check_handle(handle: &str, delimiter: &str) -> Result<(), HandleError> {
    if handle.is_empty() || handle.len() > MAX_HANDLE_LENGTH {
        return Err(HandleError::Invalid);
    }
    for c in handle.chars() {
        if !(c.is_ascii_alphanumeric() || "._:-/".contains(c)) {
            return Err(HandleError::Invalid);
        }
        if delimiter.len() == 1 && delimiter.starts_with(c) {
            return Err(HandleError::ContainsDelimiter);
        }
    }
    Ok(())
}

/// `derivePermission`: `parent` is the permission of the enclosing resource, if any.
pub(crate) fn derive(parent: Option<&str>, delimiter: &str, handle: &str) -> String {
    match parent {
        Some(parent) => format!("{parent}{delimiter}{handle}"),
        None => handle.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_delimiters_and_permissions_follow_the_server() {
        assert!(valid_delimiter(":") && valid_delimiter("/") && valid_delimiter("."));
        assert!(!valid_delimiter("a") && !valid_delimiter("::") && !valid_delimiter(""));
        assert_eq!(check_handle("booking", ":"), Ok(()));
        assert_eq!(
            check_handle("a:b", ":"),
            Err(HandleError::ContainsDelimiter)
        );
        assert_eq!(check_handle("a:b", "."), Ok(()));
        assert_eq!(check_handle("a b", ":"), Err(HandleError::Invalid));
        // The character set is checked before the delimiter, character by character.
        assert_eq!(check_handle(":é", ":"), Err(HandleError::ContainsDelimiter));
        assert_eq!(check_handle("é:", ":"), Err(HandleError::Invalid));
        assert_eq!(
            check_handle(&"h".repeat(101), ":"),
            Err(HandleError::Invalid)
        );
        assert_eq!(derive(None, ":", "booking"), "booking");
        assert_eq!(
            derive(Some("booking:rooms"), ":", "read"),
            "booking:rooms:read"
        );
    }
}
