//! Runs one OCR program (pdfimages, pdftoppm, tesseract) within a deadline.
//! Its output goes to anonymous files rather than pipes, so a child that
//! leaves a grandchild behind cannot keep us waiting on a pipe; past the
//! deadline its whole process group is killed. It dies with the thread that
//! started it (a worker killed for time takes its OCR with it).

use std::io::{Read, Seek};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// What a finished program left.
pub(super) struct Ran {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Output kept of each stream (a page list of a long document is a few
/// hundred kilobytes).
const MAX_OUTPUT: u64 = 16 * 1024 * 1024;

/// Runs `command` to its end, or kills it at `deadline` (then the error's
/// kind is `TimedOut`).
pub(super) fn run(command: &mut Command, deadline: Instant) -> std::io::Result<Ran> {
    let mut stdout = tempfile::tempfile()?;
    let mut stderr = tempfile::tempfile()?;
    command
        .stdin(Stdio::null())
        .stdout(stdout.try_clone()?)
        .stderr(stderr.try_clone()?);
    // SAFETY: between fork and exec only async-signal-safe calls: setpgid
    // and prctl take plain integers.
    unsafe {
        command.pre_exec(|| {
            libc::setpgid(0, 0);
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = command.spawn()?;
    let mut pause = Duration::from_millis(2);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        let now = Instant::now();
        if now >= deadline {
            // SAFETY: kill takes a process group id and a signal number.
            unsafe {
                libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
            }
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "stopped for time",
            ));
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(50));
    };
    let read = |file: &mut std::fs::File| -> String {
        let mut bytes = Vec::new();
        let _ = file.rewind();
        let _ = file.take(MAX_OUTPUT).read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Ok(Ran {
        status,
        stdout: read(&mut stdout),
        stderr: read(&mut stderr),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_kept_and_time_is_bounded() {
        let later = Instant::now() + Duration::from_secs(20);
        let ran = run(
            Command::new("sh").args(["-c", "echo out; echo err >&2"]),
            later,
        )
        .unwrap();
        assert!(ran.status.success());
        assert_eq!((ran.stdout.trim(), ran.stderr.trim()), ("out", "err"));
        // A child and its grandchild are stopped at the deadline.
        let start = Instant::now();
        let soon = start + Duration::from_millis(300);
        let e = run(Command::new("sh").args(["-c", "sleep 30 & sleep 30"]), soon)
            .err()
            .unwrap();
        assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(5));
    }
}
