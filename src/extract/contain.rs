//! Runs parser code so that a panic inside it becomes an error message for
//! its page or document, without printing; panics elsewhere print as usual.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while parser code runs under `contain`, so the panic hook keeps quiet
    /// and records the message instead of printing it.
    static CONTAINED: RefCell<Option<String>> = const { RefCell::new(None) };
}
static HOOK: Once = Once::new();

/// Runs parser code, turning a panic into an error message. Panics elsewhere
/// in the program still print as usual.
pub(super) fn contain<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let inside = CONTAINED.with(|c| c.borrow().is_some());
            if inside {
                let location = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let message = format!("{}{location}", payload_text(info.payload()));
                CONTAINED.with(|c| *c.borrow_mut() = Some(message));
            } else {
                default(info);
            }
        }));
    });
    CONTAINED.with(|c| *c.borrow_mut() = Some(String::new()));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let message = CONTAINED
        .with(|c| c.borrow_mut().take())
        .unwrap_or_default();
    result.map_err(|payload| {
        if message.is_empty() {
            payload_text(&*payload)
        } else {
            message
        }
    })
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contained_panic_becomes_a_message() {
        let r: Result<(), String> = contain(|| panic!("boom in parser"));
        assert!(r.unwrap_err().contains("boom in parser"));
        // The hook is back to normal outside `contain`.
        assert!(CONTAINED.with(|c| c.borrow().is_none()));
    }
}
