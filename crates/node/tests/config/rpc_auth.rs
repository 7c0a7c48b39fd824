//! RPC authentication: the cookie file (its format, permissions and removal),
//! `-rpcuser`/`-rpcpassword`, and `-rpcauth` with Core's salted HMAC.

use std::fs;

use sou_node::datadir::DataDir;
use sou_node::rpc::auth::{rpcauth_hash, RpcAuth, COOKIE_USER};

use crate::{load, TempDir};

// ---- RPC authentication ----

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[test]
fn cookie_authentication() {
    let dir = TempDir::new("cookie");
    let config = load(&dir, &["-regtest"]).unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    datadir.create().unwrap();
    let mut auth = RpcAuth::from_config(&config, &datadir).unwrap();
    let path = dir.path().join("regtest/.cookie");
    let cookie = fs::read_to_string(&path).unwrap();
    // As bitcoind writes it: "__cookie__:" and 32 random bytes in hex, no newline.
    let (user, password) = cookie.split_once(':').unwrap();
    assert_eq!(user, COOKIE_USER);
    assert_eq!(password.len(), 64);
    assert!(password
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let header = format!("Basic {}", {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&cookie)
    });
    assert_eq!(auth.check(Some(&header)).as_deref(), Some(COOKIE_USER));
    assert_eq!(auth.check(Some(&basic(COOKIE_USER, "0000"))), None);
    assert_eq!(auth.check(None), None);
    assert_eq!(auth.check(Some("Bearer x")), None);
    assert_eq!(auth.check(Some("Basic !!!")), None);
    auth.remove_cookie();
    assert!(!path.exists());
}

#[test]
fn cookie_permissions_and_disabling() {
    let dir = TempDir::new("cookie-perms");
    let config = load(&dir, &["-regtest", "-rpccookieperms=group"]).unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    datadir.create().unwrap();
    let _auth = RpcAuth::from_config(&config, &datadir).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("regtest/.cookie"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // bitcoind -rpccookieperms=bad: "[error] Invalid -rpccookieperms=bad; must be one of
    // 'owner', 'group', or 'all'." in debug.log, then "Error: Unable to start HTTP server.
    // See debug log for details."
    let config = load(&dir, &["-regtest", "-rpccookieperms=bad"]).unwrap();
    assert_eq!(
        RpcAuth::from_config(&config, &datadir)
            .unwrap_err()
            .to_string(),
        "Invalid -rpccookieperms=bad; must be one of 'owner', 'group', or 'all'."
    );
    let config = load(&dir, &["-regtest", "-norpccookiefile"]).unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    let auth = RpcAuth::from_config(&config, &datadir).unwrap();
    assert!(auth.cookie_file().is_none());
    assert!(auth.users().is_empty());
}

#[test]
fn rpcuser_rpcpassword_and_rpcauth() {
    // The salt and hash come from Core's share/rpcauth/rpcauth.py algorithm:
    //   hmac.new(salt.encode(), password.encode(), 'SHA256').hexdigest()
    // and were checked against bitcoind v31.99:
    //   bitcoind -regtest -rpcauth='alice:a2f5...$5f77...' ...
    //   bitcoin-cli -rpcuser=alice -rpcpassword='correct horse battery staple' getblockcount
    // printed 0; with -rpcpassword=wrong, "error: Authorization failed: Incorrect rpcuser
    // or rpcpassword were specified. ...".
    let salt = "a2f5c1e4b7d8096e3f1a2b3c4d5e6f70";
    let hash = "5f77defd4b04c12c3cf4418bffa5e248acfb7fa9dacfa64b0d64068593e645c5";
    assert_eq!(rpcauth_hash(salt, "correct horse battery staple"), hash);

    let dir = TempDir::new("rpcauth");
    let rpcauth = format!("-rpcauth=alice:{salt}${hash}");
    let bob_salt = "00112233445566778899aabbccddeeff";
    let bob = format!("-rpcauth=bob:{bob_salt}${}", rpcauth_hash(bob_salt, "pw"));
    let config = load(
        &dir,
        &["-regtest", "-rpcuser=u", "-rpcpassword=p", &rpcauth, &bob],
    )
    .unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    datadir.create().unwrap();
    let auth = RpcAuth::from_config(&config, &datadir).unwrap();
    // With a password there is no cookie.
    assert!(auth.cookie_file().is_none());
    assert!(!dir.path().join("regtest/.cookie").exists());
    assert_eq!(auth.check(Some(&basic("u", "p"))).as_deref(), Some("u"));
    assert_eq!(
        auth.check(Some(&basic("alice", "correct horse battery staple")))
            .as_deref(),
        Some("alice")
    );
    assert_eq!(
        auth.check(Some(&basic("bob", "pw"))).as_deref(),
        Some("bob")
    );
    assert_eq!(auth.check(Some(&basic("alice", "pw"))), None);
    assert_eq!(
        auth.check(Some(&basic("u", "correct horse battery staple"))),
        None
    );
    // The password may contain ':' (only the first one separates).
    let config = load(&dir, &["-regtest", "-rpcuser=u", "-rpcpassword=a:b"]).unwrap();
    let auth = RpcAuth::from_config(&config, &datadir).unwrap();
    assert_eq!(auth.check(Some(&basic("u", "a:b"))).as_deref(), Some("u"));

    // bitcoind -rpcauth=bad: "[warning] Invalid -rpcauth argument." in debug.log.
    let config = load(&dir, &["-regtest", "-rpcauth=bad"]).unwrap();
    assert_eq!(
        RpcAuth::from_config(&config, &datadir)
            .unwrap_err()
            .to_string(),
        "Invalid -rpcauth argument."
    );
}
