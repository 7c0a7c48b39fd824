//! Descriptors made from a seed: every function sou's descriptors read, nested as allowed
//! and now and then as not allowed, over keys of every form a descriptor may write (hex,
//! x-only, WIF, `tpub`/`tprv` with origins, paths, hardened steps and ranges), and some
//! broken keys; multipath keys (BIP389) in `multipath.rs`; then with or without a
//! checksum, right or wrong.
//!
//! Everything is regtest: WIF and extended keys use the test prefixes, addresses `bcrt1`
//! and the regtest Base58 versions. A mainnet key or address is one of the broken cases.

use sou_keys::bip32::{ChildNumber, Xpriv};
use sou_keys::{Address, NetworkKind, PrivateKey, SecretKey};
use sou_primitives::{Network, Script};
use sou_wallet::descriptor::add_checksum;

/// A small deterministic generator (SplitMix64).
pub struct Gen(pub u64);

impl Gen {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    pub fn bytes32(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for chunk in out.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        out
    }

    fn secret(&mut self) -> SecretKey {
        loop {
            if let Ok(k) = SecretKey::from_byte_array(self.bytes32()) {
                return k;
            }
        }
    }
}

/// Where a key stands: segwit v0 and taproot refuse uncompressed keys, and only taproot
/// takes x-only ones.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Legacy,
    Segwit,
    Taproot,
}

/// One generated descriptor: its text, and the top-level function it was made as.
pub struct Case {
    pub text: String,
    pub function: &'static str,
}

/// The next descriptor.
pub fn descriptor(g: &mut Gen) -> Case {
    let (body, function) = match g.below(22) {
        0 => (format!("pk({})", key(g, Ctx::Legacy)), "pk"),
        1 => (format!("pkh({})", key(g, Ctx::Legacy)), "pkh"),
        2 | 3 => (format!("wpkh({})", key(g, Ctx::Segwit)), "wpkh"),
        4 => (format!("combo({})", key(g, Ctx::Legacy)), "combo"),
        5 | 6 => (format!("sh({})", inner_sh(g)), "sh"),
        7 | 8 => (format!("wsh({})", inner_wsh(g)), "wsh"),
        9 => (multi(g, Ctx::Legacy, 4), "multi"),
        10..=12 => (tr(g), "tr"),
        13 => (format!("rawtr({})", key(g, Ctx::Taproot)), "rawtr"),
        14 => (format!("addr({})", address(g)), "addr"),
        15 => (format!("raw({})", raw_hex(g)), "raw"),
        16 => (misplaced(g), "misplaced"),
        17 => (format!("sh({})", multi(g, Ctx::Legacy, 18)), "sh"),
        18..=20 => (crate::multipath::descriptor(g), "multipath"),
        _ => (garbled(g), "garbled"),
    };
    Case {
        text: with_checksum(g, &body),
        function,
    }
}

/// The text as written, with or without a checksum; now and then a wrong one.
pub fn with_checksum(g: &mut Gen, body: &str) -> String {
    let Some(full) = add_checksum(body) else {
        return body.to_string();
    };
    match g.below(20) {
        0..=8 => body.to_string(),
        9..=15 => full,
        16 => {
            // One character of the checksum changed.
            let mut chars: Vec<char> = full.chars().collect();
            let at = chars.len() - 1 - g.below(8) as usize;
            chars[at] = if chars[at] == 'q' { 'p' } else { 'q' };
            chars.into_iter().collect()
        }
        17 => format!("{body}#{}", &full[full.len() - 7..]),
        18 => format!("{full}#"),
        _ => format!("{full}x"),
    }
}

fn inner_sh(g: &mut Gen) -> String {
    match g.below(6) {
        0 => format!("pk({})", key(g, Ctx::Legacy)),
        1 => format!("pkh({})", key(g, Ctx::Legacy)),
        2 | 3 => format!("wpkh({})", key(g, Ctx::Segwit)),
        4 => format!("wsh({})", inner_wsh(g)),
        _ => multi(g, Ctx::Legacy, 17),
    }
}

fn inner_wsh(g: &mut Gen) -> String {
    match g.below(4) {
        0 => format!("pk({})", key(g, Ctx::Segwit)),
        1 => format!("pkh({})", key(g, Ctx::Segwit)),
        _ => multi(g, Ctx::Segwit, 21),
    }
}

/// `multi` or `sortedmulti` of up to `most` keys (beyond the limits now and then), with a
/// threshold that is now and then 0 or above the count.
fn multi(g: &mut Gen, ctx: Ctx, most: u64) -> String {
    let name = g.pick(&["multi", "sortedmulti"]);
    let n = if g.chance(85) {
        1 + g.below(3)
    } else {
        1 + g.below(most)
    };
    let threshold = if g.chance(90) {
        1 + g.below(n)
    } else {
        g.pick(&[0, n + 1])
    };
    let keys: Vec<String> = (0..n).map(|_| key(g, ctx)).collect();
    format!("{name}({threshold},{})", keys.join(","))
}

/// `multi_a` or `sortedmulti_a`, for a tapscript leaf.
fn multi_a(g: &mut Gen) -> String {
    let name = g.pick(&["multi_a", "sortedmulti_a"]);
    let n = 1 + g.below(4);
    let threshold = if g.chance(90) { 1 + g.below(n) } else { 0 };
    let keys: Vec<String> = (0..n).map(|_| key(g, Ctx::Taproot)).collect();
    format!("{name}({threshold},{})", keys.join(","))
}

fn tr(g: &mut Gen) -> String {
    let internal = key(g, Ctx::Taproot);
    if g.chance(30) {
        return format!("tr({internal})");
    }
    format!("tr({internal},{})", tree(g, 0))
}

fn tree(g: &mut Gen, depth: u32) -> String {
    if depth < 3 && g.chance(40) {
        return format!("{{{},{}}}", tree(g, depth + 1), tree(g, depth + 1));
    }
    if g.chance(60) {
        format!("pk({})", key(g, Ctx::Taproot))
    } else {
        multi_a(g)
    }
}

/// A function where it may not stand.
fn misplaced(g: &mut Gen) -> String {
    let k = key(g, Ctx::Segwit);
    match g.below(12) {
        0 => format!("sh(sh(pkh({k})))"),
        1 => format!("wsh(wsh(pk({k})))"),
        2 => format!("wsh(wpkh({k}))"),
        3 => format!("sh(combo({k}))"),
        4 => format!("sh(tr({k}))"),
        5 => format!("wsh(tr({k}))"),
        6 => format!("multi_a(1,{k})"),
        7 => format!("sh(addr({}))", address(g)),
        8 => format!("wsh(raw({}))", raw_hex(g)),
        9 => format!("tr({k},multi(1,{k}))"),
        10 => format!("sh(rawtr({k}))"),
        _ => format!("tr({k},{{pk({k})}})"),
    }
}

/// Text that is almost a descriptor.
fn garbled(g: &mut Gen) -> String {
    let k = key(g, Ctx::Segwit);
    match g.below(12) {
        0 => format!("foo({k})"),
        1 => format!("pk({k}),pk({k})"),
        2 => format!("pk({k}"),
        3 => format!("pk({k}))"),
        4 => String::new(),
        5 => format!("wpkh( {k})"),
        6 => "pk()".to_string(),
        7 => format!("tr({k},{{pk({k}),pk({k})}}"),
        8 => format!("multi(x,{k})"),
        9 => format!("multi(1;{k})"),
        10 => format!(
            "raw({})",
            "ab".repeat(1 + g.below(3) as usize).to_uppercase()
        ),
        _ => format!("sh(wpkh({k}))Ü"),
    }
}

/// A key expression: mostly valid for `ctx`, sometimes of a form `ctx` refuses, sometimes
/// broken.
pub fn key(g: &mut Gen, ctx: Ctx) -> String {
    let secret = g.secret();
    let public = secret.public_key();
    let bad = g.chance(4);
    if bad {
        return broken_key(g, &public.serialize_compressed());
    }
    // Uncompressed and x-only keys outside their contexts now and then.
    let uncompressed_ok = ctx == Ctx::Legacy || g.chance(3);
    let x_only_ok = ctx == Ctx::Taproot || g.chance(3);
    let origin = if g.chance(30) {
        origin(g)
    } else {
        String::new()
    };
    let written = match g.below(10) {
        0 | 1 => hex::encode(public.serialize_compressed()),
        2 if uncompressed_ok => hex::encode(public.uncompressed().to_bytes()),
        3 if x_only_ok => hex::encode(&public.serialize_compressed()[1..]),
        4 => wif(secret, uncompressed_ok && g.chance(40)),
        5 if g.chance(20) => hex::encode_upper(public.serialize_compressed()),
        _ => extended(g),
    };
    format!("{origin}{written}")
}

fn wif(secret: SecretKey, uncompressed: bool) -> String {
    PrivateKey {
        secret,
        compressed: !uncompressed,
        network: NetworkKind::Test,
    }
    .to_wif()
}

/// `[fingerprint/path]`, the steps hardened with `h` or `'`.
fn origin(g: &mut Gen) -> String {
    let fingerprint = hex::encode(&g.next().to_le_bytes()[..4]);
    let mut text = format!("[{fingerprint}");
    for _ in 0..g.below(4) {
        text.push_str(&step(g, true));
    }
    text.push(']');
    text
}

/// `/n`, `/nh` or `/n'`.
fn step(g: &mut Gen, hardened_ok: bool) -> String {
    let n = if g.chance(80) {
        g.below(5)
    } else {
        g.below(1 << 31)
    };
    let marker = if hardened_ok {
        g.pick(&["", "", "h", "'"])
    } else {
        ""
    };
    format!("/{n}{marker}")
}

/// A `tpub` or `tprv`, at some depth, with a path after it, often ranged.
fn extended(g: &mut Gen) -> String {
    let seed = g.bytes32();
    let mut xprv = Xpriv::new_master(NetworkKind::Test, &seed).expect("a 32-byte seed");
    for _ in 0..g.below(3) {
        let child = if g.chance(50) {
            ChildNumber::hardened(g.below(10) as u32)
        } else {
            ChildNumber::normal(g.below(10) as u32)
        };
        xprv = xprv
            .derive_child(child.expect("a small index"))
            .expect("derives");
    }
    let private = g.chance(35);
    let mut text = if private {
        xprv.to_string()
    } else {
        xprv.to_xpub().to_string()
    };
    // Hardened steps below an xpub are allowed; deriving them is not.
    let hardened_ok = private || g.chance(15);
    for _ in 0..g.below(3) {
        text.push_str(&step(g, hardened_ok));
    }
    if g.chance(55) {
        text.push_str(g.pick(&["/*", "/*", "/*", "/*h", "/*'"]));
    }
    text
}

/// A key that no descriptor accepts.
fn broken_key(g: &mut Gen, compressed: &[u8; 33]) -> String {
    let hex = hex::encode(compressed);
    match g.below(12) {
        0 => hex[..hex.len() - 1].to_string(),
        1 => format!("02{}", "ff".repeat(32)),
        2 => format!("06{}", &hex[2..]) + &"00".repeat(32),
        3 => "cVt4o7BGAig1UXywgGSmARhxMdzP5qvQsxKkSsc1XEkw3tDTQFpy".to_string(),
        4 => {
            let mut xpub = Xpriv::new_master(NetworkKind::Main, &g.bytes32())
                .expect("a 32-byte seed")
                .to_xpub()
                .to_string();
            xpub.push_str("/0");
            xpub
        }
        5 => format!("[d34db33]{hex}"),
        6 => format!("[d34db33g]{hex}"),
        7 => format!("{}/2147483648", extended_plain(g)),
        8 => format!("{}/1x", extended_plain(g)),
        9 => format!("[d34db33f]]{hex}"),
        10 => format!("d34db33f]{hex}"),
        // Multipath steps (BIP389) are allowed after an extended key (`multipath.rs`),
        // never in an origin.
        _ => format!("[d34db33f/<0;1>]{hex}"),
    }
}

fn extended_plain(g: &mut Gen) -> String {
    let seed = g.bytes32();
    Xpriv::new_master(NetworkKind::Test, &seed)
        .expect("a 32-byte seed")
        .to_xpub()
        .to_string()
}

/// A regtest address of every type, or now and then a mainnet one.
fn address(g: &mut Gen) -> String {
    let key = g.secret().public_key();
    let network = if g.chance(8) {
        Network::Mainnet
    } else {
        Network::Regtest
    };
    let script = Script::from_bytes(vec![0x51]);
    let address = match g.below(5) {
        0 => Address::p2pkh(&key, network),
        1 => Address::p2sh(&script, network),
        2 => Address::p2wpkh(&key, network).expect("a compressed key"),
        3 => Address::p2wsh(&script, network),
        _ => Address::p2tr(&key.x_only_public_key().0, None, network).expect("tweaks"),
    };
    address.to_string()
}

/// A script in hex: standard ones with addresses, some without, and odd bytes.
fn raw_hex(g: &mut Gen) -> String {
    let h: String = hex::encode(&g.bytes32()[..20]);
    let p: String = hex::encode(g.bytes32());
    match g.below(11) {
        0 => format!("76a914{h}88ac"),
        1 => format!("a914{h}87"),
        2 => format!("0014{h}"),
        3 => format!("0020{p}"),
        4 => format!("5120{p}"),
        5 => format!("0019{h}{}", &p[..10]),
        6 => format!("5202{}", &p[..4]),
        7 => "51024e73".to_string(),
        8 => format!("6a{}", &p[..8]),
        9 => hex::encode(g.bytes32())[..1 + g.below(20) as usize].to_string(),
        _ => String::new(),
    }
}
