//! Password hashing with argon2id at OWASP's recommended cost (19 MiB, t=2, p=1).
//! Both functions are slow on purpose: call them on the blocking pool. At most half the CPUs
//! (at least one) hash at once, whatever the number of logins in flight: the others wait for a
//! turn without holding a database connection, so a burst of logins cannot starve the reads
//! that share the blocking pool and the cores.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use std::sync::{Condvar, Mutex, OnceLock};

/// A counting gate over the hashes running at once.
struct Gate {
    free: Mutex<usize>,
    turn: Condvar,
}

/// Leaves the gate when dropped, even if hashing panics.
struct Turn(&'static Gate);

impl Drop for Turn {
    fn drop(&mut self) {
        if let Ok(mut free) = self.0.free.lock() {
            *free += 1;
        }
        self.0.turn.notify_one();
    }
}

/// Waits for a turn to hash.
fn turn() -> Turn {
    static GATE: OnceLock<Gate> = OnceLock::new();
    let gate = GATE.get_or_init(|| Gate {
        free: Mutex::new(hashing_slots()),
        turn: Condvar::new(),
    });
    let mut free = gate.free.lock().unwrap_or_else(|e| e.into_inner());
    while *free == 0 {
        free = gate.turn.wait(free).unwrap_or_else(|e| e.into_inner());
    }
    *free -= 1;
    Turn(gate)
}

/// Half the CPUs, at least one.
fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
}

fn hasher() -> Argon2<'static> {
    // The parameters are constants that argon2 accepts; default() is only a fallback.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let _turn = turn();
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches `stored`. A stored hash that cannot be parsed never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => {
            let _turn = turn();
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_is_argon2id_with_owasp_parameters() {
        let hashed = hash("correct horse battery").unwrap_or_default();
        assert!(
            hashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hashed}"
        );
        assert!(verify("correct horse battery", &hashed));
        assert!(!verify("wrong horse battery", &hashed));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn no_more_hashes_run_at_once_than_the_gate_allows() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                std::thread::spawn(move || {
                    let _turn = turn();
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap_or_default();
        }
        let most = most.load(Ordering::SeqCst);
        assert!((1..=hashing_slots()).contains(&most), "{most} at once");
    }
}
