//! Who may call the RPC server: HTTP basic authentication as `bitcoind` checks it.
//!
//! Every RPC request carries `Authorization: Basic base64(user:password)`. The node
//! accepts three kinds of credentials:
//!
//! - **The cookie**, when no `-rpcpassword` is configured: at startup the node draws 32
//!   random bytes and writes `__cookie__:<64 hex digits>` to `<datadir>/<network>/.cookie`
//!   (or `-rpccookiefile`), readable by the owner only (or as `-rpccookieperms` says).
//!   A local client that can read the file can log in; the file is removed at shutdown,
//!   and the next start draws a new password.
//! - **`-rpcuser`/`-rpcpassword`**, in plain text in the configuration.
//! - **`-rpcauth=user:salt$hash`** (repeatable), where `hash` is
//!   HMAC-SHA256(key = salt, message = password) in hex, as Core's `share/rpcauth/rpcauth.py`
//!   prints it: the configuration never holds the password itself.
//!
//! The node keeps every credential in the `-rpcauth` form (plain passwords are hashed
//! under a fresh random salt at startup), so one check serves all three. Comparisons take
//! time independent of where the inputs differ, so that response times do not leak how
//! much of a guess was right.
//!
//! References: Core `InitRPCAuthentication`, `RPCAuthorized`, `CheckUserAuthorized`
//! (src/httprpc.cpp), `GenerateAuthCookie`, `DeleteAuthCookie` (src/rpc/request.cpp),
//! `InterpretPermString`, `PermsToSymbolicString` (src/util/fs_helpers.cpp).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use thiserror::Error;

use crate::config::Config;
use crate::datadir::DataDir;

/// The user name of cookie authentication (any name would do; this one is recognisable in
/// logs).
pub const COOKIE_USER: &str = "__cookie__";

/// How many random bytes the cookie password has.
const COOKIE_SIZE: usize = 32;

/// The message `bitcoind` prints (after `Error: `) when authentication cannot be set up;
/// the detail ([`AuthError`]) goes to `debug.log`.
pub const HTTP_START_FAILED: &str = "Unable to start HTTP server. See debug log for details.";

/// Why RPC authentication cannot be set up. `Display` is the line Core writes to
/// `debug.log`; the node then stops with [`HTTP_START_FAILED`] (exit status 1).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AuthError {
    /// `-rpccookieperms` is not `owner`, `group` or `all` (logged as an error).
    #[error("Invalid -rpccookieperms={0}; must be one of 'owner', 'group', or 'all'.")]
    InvalidCookiePerms(String),
    /// An `-rpcauth` value is not `user:salt$hash` (logged as a warning).
    #[error("Invalid -rpcauth argument.")]
    InvalidRpcAuth,
    /// The temporary cookie file cannot be written (logged as a warning).
    #[error("Unable to open cookie authentication file {} for writing", .0.display())]
    CookieWrite(PathBuf),
    /// The temporary cookie file cannot be renamed into place (logged as a warning).
    #[error("Unable to rename cookie authentication file {} to {}", .0.display(), .1.display())]
    CookieRename(PathBuf, PathBuf),
    /// The cookie's permissions cannot be set (logged as a warning).
    #[error("Unable to set permissions on cookie authentication file {}", .0.display())]
    CookiePerms(PathBuf),
    /// The system's random number generator failed.
    #[error("random number generator failed: {0}")]
    Random(String),
}

// One accepted credential, in -rpcauth form.
#[derive(Clone)]
struct Credential {
    user: String,
    salt: String,
    hash: String,
}

/// The credentials an RPC server accepts.
pub struct RpcAuth {
    credentials: Vec<Credential>,
    cookie: Option<Cookie>,
}

struct Cookie {
    path: PathBuf,
    password: String,
    // Unix permission bits from -rpccookieperms; owner-only when unset.
    mode: Option<u32>,
    written: bool,
}

impl std::fmt::Debug for RpcAuth {
    // Never print secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcAuth")
            .field(
                "users",
                &self.credentials.iter().map(|c| &c.user).collect::<Vec<_>>(),
            )
            .field("cookie", &self.cookie.as_ref().map(|c| &c.path))
            .finish()
    }
}

impl RpcAuth {
    /// Sets up authentication as Core's `InitRPCAuthentication`: the cookie (written now)
    /// when `-rpcpassword` is empty, else the plain user and password; then every
    /// `-rpcauth`. Logs Core's lines (`Using random cookie authentication.`, ...); an error
    /// is logged too before it is returned.
    pub fn from_config(config: &Config, datadir: &DataDir) -> Result<RpcAuth, AuthError> {
        let result = RpcAuth::build(config, datadir);
        if let Err(error) = &result {
            match error {
                AuthError::InvalidCookiePerms(_) | AuthError::Random(_) => {
                    tracing::error!("{error}")
                }
                _ => tracing::warn!("{error}"),
            }
        }
        result
    }

    fn build(config: &Config, datadir: &DataDir) -> Result<RpcAuth, AuthError> {
        let mut auth = RpcAuth {
            credentials: Vec::new(),
            cookie: None,
        };
        let password = config.get("rpcpassword").unwrap_or_default();
        if password.is_empty() {
            let mode = match config.get("rpccookieperms") {
                Some(perms) => Some(
                    interpret_perm_string(&perms).ok_or(AuthError::InvalidCookiePerms(perms))?,
                ),
                None => None,
            };
            match datadir.cookie_file() {
                Some(path) => {
                    let password = hex::encode(random_bytes::<COOKIE_SIZE>()?);
                    auth.cookie = Some(Cookie {
                        path: path.to_owned(),
                        password: password.clone(),
                        mode,
                        written: false,
                    });
                    auth.write_cookie()?;
                    tracing::info!("Using random cookie authentication.");
                    auth.add_plain(COOKIE_USER, &password)?;
                }
                None => tracing::info!("RPC authentication cookie file generation is disabled."),
            }
        } else {
            tracing::info!("Using rpcuser/rpcpassword authentication.");
            tracing::warn!("The use of rpcuser/rpcpassword is less secure, because credentials are configured in plain text. It is recommended that locally-run instances switch to cookie-based auth, or otherwise to use hashed rpcauth credentials. See share/rpcauth in the source directory for more information.");
            let user = config.get("rpcuser").unwrap_or_default();
            auth.add_plain(&user, &password)?;
        }

        let rpcauth = config.get_all("rpcauth");
        if !rpcauth.is_empty() {
            tracing::info!("Using rpcauth authentication.");
            for entry in rpcauth {
                auth.credentials
                    .push(parse_rpcauth(&entry).ok_or(AuthError::InvalidRpcAuth)?);
            }
        }
        Ok(auth)
    }

    // A plain credential is stored hashed under a fresh 16-byte salt, like -rpcauth.
    fn add_plain(&mut self, user: &str, password: &str) -> Result<(), AuthError> {
        if user.is_empty() && password.is_empty() {
            return Ok(());
        }
        let salt = hex::encode(random_bytes::<16>()?);
        let hash = rpcauth_hash(&salt, password);
        self.credentials.push(Credential {
            user: user.to_owned(),
            salt,
            hash,
        });
        Ok(())
    }

    /// Checks an `Authorization` header value (`Basic base64(user:password)`), as Core's
    /// `RPCAuthorized`; returns the user name when the credentials are right. Core makes
    /// the server wait 250 ms before answering a wrong password (401), to slow guessing.
    pub fn check(&self, authorization_header_value: Option<&str>) -> Option<String> {
        let header = authorization_header_value?;
        let encoded = header.strip_prefix("Basic ")?;
        let encoded = encoded.trim_matches(|c| " \x0c\n\r\t\x0b".contains(c));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()?;
        let decoded = String::from_utf8_lossy(&decoded);
        let (user, password) = decoded.split_once(':')?;
        self.credentials
            .iter()
            .filter(|credential| {
                timing_resistant_equal(credential.user.as_bytes(), user.as_bytes())
            })
            .any(|credential| {
                let hash = rpcauth_hash(&credential.salt, password);
                timing_resistant_equal(hash.as_bytes(), credential.hash.as_bytes())
            })
            .then(|| user.to_owned())
    }

    /// (Re)writes the cookie file when cookie authentication is on: `__cookie__:<hex>`
    /// without a newline, into a `.tmp` file renamed over the cookie, owner-only unless
    /// `-rpccookieperms` says otherwise. Returns its path.
    pub fn write_cookie(&mut self) -> Result<Option<PathBuf>, AuthError> {
        let Some(cookie) = self.cookie.as_mut() else {
            return Ok(None);
        };
        let mut tmp = cookie.path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        write_private(
            &tmp,
            format!("{COOKIE_USER}:{}", cookie.password).as_bytes(),
        )
        .map_err(|_| AuthError::CookieWrite(tmp.clone()))?;
        fs::rename(&tmp, &cookie.path)
            .map_err(|_| AuthError::CookieRename(tmp.clone(), cookie.path.clone()))?;
        if let Some(mode) = cookie.mode {
            set_mode(&cookie.path, mode)
                .map_err(|_| AuthError::CookiePerms(cookie.path.clone()))?;
        }
        cookie.written = true;
        tracing::info!(
            "Generated RPC authentication cookie {}",
            cookie.path.display()
        );
        tracing::info!(
            "Permissions used for cookie: {}",
            symbolic_mode(&cookie.path)
        );
        Ok(Some(cookie.path.clone()))
    }

    /// Removes the cookie file, if this process wrote it (Core's `DeleteAuthCookie`, at
    /// shutdown).
    pub fn remove_cookie(&mut self) {
        if let Some(cookie) = self.cookie.as_mut().filter(|cookie| cookie.written) {
            if let Err(error) = fs::remove_file(&cookie.path) {
                tracing::warn!(
                    "Unable to remove random auth cookie file {}: {error}",
                    cookie.path.display()
                );
            }
            cookie.written = false;
        }
    }

    /// The cookie file, when cookie authentication is on.
    pub fn cookie_file(&self) -> Option<&Path> {
        self.cookie.as_ref().map(|cookie| cookie.path.as_path())
    }

    /// The user names that can log in (the cookie's is `__cookie__`).
    pub fn users(&self) -> Vec<&str> {
        self.credentials.iter().map(|c| c.user.as_str()).collect()
    }
}

/// HMAC-SHA256 with the salt's text as key and the password as message, in hex: the
/// `hash` of `-rpcauth=user:salt$hash`.
pub fn rpcauth_hash(salt: &str, password: &str) -> String {
    // HMAC takes keys of any length: new_from_slice cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(salt.as_bytes()) else {
        return String::new();
    };
    mac.update(password.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

// `user:salt$hash`; the user may not contain ':' (Core splits on every ':').
fn parse_rpcauth(entry: &str) -> Option<Credential> {
    let fields: Vec<&str> = entry.split(':').collect();
    let [user, salt_hash] = fields.as_slice() else {
        return None;
    };
    let parts: Vec<&str> = salt_hash.split('$').collect();
    let [salt, hash] = parts.as_slice() else {
        return None;
    };
    Some(Credential {
        user: (*user).to_owned(),
        salt: (*salt).to_owned(),
        hash: (*hash).to_owned(),
    })
}

/// Compares `a` with `b` in time that depends on `a`'s length only (Core's
/// `TimingResistantEqual`): no early exit at the first difference.
pub fn timing_resistant_equal(a: &[u8], b: &[u8]) -> bool {
    if b.is_empty() {
        return a.is_empty();
    }
    let mut diff = a.len() ^ b.len();
    // `b` is read cyclically, so the loop always runs over all of `a`.
    for (byte, other) in a.iter().zip(b.iter().cycle()) {
        diff |= usize::from(byte ^ other);
    }
    diff == 0
}

// Core's InterpretPermString.
fn interpret_perm_string(perms: &str) -> Option<u32> {
    match perms {
        "owner" => Some(0o600),
        "group" => Some(0o640),
        "all" => Some(0o644),
        _ => None,
    }
}

fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(bytes)
}

// A new file readable by its owner only, as Core's 0077 umask makes it.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)
}

fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

// Core's PermsToSymbolicString: `rw-------`.
fn symbolic_mode(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0);
        "rwxrwxrwx"
            .chars()
            .enumerate()
            .map(|(i, c)| if mode & (0o400 >> i) != 0 { c } else { '-' })
            .collect()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        "rw-------".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_resistant_equal_is_equality() {
        assert!(timing_resistant_equal(b"", b""));
        assert!(timing_resistant_equal(b"abc", b"abc"));
        assert!(!timing_resistant_equal(b"abc", b"abd"));
        assert!(!timing_resistant_equal(b"ab", b"abab"));
        assert!(!timing_resistant_equal(b"abab", b"ab"));
        assert!(!timing_resistant_equal(b"", b"a"));
        assert!(!timing_resistant_equal(b"a", b""));
    }

    #[test]
    fn rpcauth_values() {
        assert!(parse_rpcauth("alice:salt$hash").is_some());
        assert!(parse_rpcauth("alice").is_none());
        assert!(parse_rpcauth("al:ice:salt$hash").is_none());
        assert!(parse_rpcauth("alice:salthash").is_none());
        assert!(parse_rpcauth("alice:sa$lt$hash").is_none());
        assert!(parse_rpcauth("").is_none());
    }
}
