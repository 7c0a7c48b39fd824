//! Multipath descriptors (BIP389), `tpub.../<0;1>/*`: one text for several descriptors,
//! which `getdescriptorinfo` lists in `multipath_expansion` and `deriveaddresses` derives
//! into one list per path.
//!
//! Mostly valid: every multipath key of a descriptor lists the same number of values,
//! other keys have none. And broken: counts that differ between the keys of a `multi()`,
//! the leaves of a `tr()` tree or its internal key; steps with one value or none, a value
//! twice, a missing bracket, two multipath steps in one key, a multipath step in an origin.

use sou_keys::bip32::Xpriv;
use sou_keys::NetworkKind;

use crate::generator::{key, Ctx, Gen};

/// A descriptor with multipath keys, as text without checksum.
pub fn descriptor(g: &mut Gen) -> String {
    let n = 2 + g.below(2);
    match g.below(14) {
        0 => format!("pk({})", mp_key(g, n)),
        1 => format!("pkh({})", mp_key(g, n)),
        2 | 3 => format!("wpkh({})", mp_key(g, n)),
        4 => format!("combo({})", mp_key(g, n)),
        5 => format!("sh(wpkh({}))", mp_key(g, n)),
        6 => format!("sh(wsh(pkh({})))", mp_key(g, n)),
        7 => format!("wsh({})", multi(g, n, Ctx::Segwit, "multi")),
        8 => format!("sh({})", multi(g, n, Ctx::Legacy, "sortedmulti")),
        9 => multi(g, n, Ctx::Legacy, "multi"),
        10 => format!("rawtr({})", mp_key(g, n)),
        11 => format!("tr({})", mp_key(g, n)),
        _ => tr(g, n),
    }
}

/// `multi` keys: most with `n` paths, some plain, now and then one with another count.
fn multi(g: &mut Gen, n: u64, ctx: Ctx, name: &str) -> String {
    let count = 1 + g.below(3);
    let keys: Vec<String> = (0..count).map(|_| some_key(g, n, ctx)).collect();
    format!("{name}({},{})", 1 + g.below(count), keys.join(","))
}

/// `tr(KEY,TREE)` whose internal key and leaves may each be multipath.
fn tr(g: &mut Gen, n: u64) -> String {
    let internal = some_key(g, n, Ctx::Taproot);
    let leaf = |g: &mut Gen| {
        if g.chance(70) {
            format!("pk({})", some_key(g, n, Ctx::Taproot))
        } else {
            let a = some_key(g, n, Ctx::Taproot);
            let b = some_key(g, n, Ctx::Taproot);
            format!("multi_a(1,{a},{b})")
        }
    };
    match g.below(3) {
        0 => format!("tr({internal},{})", leaf(g)),
        _ => format!("tr({internal},{{{},{}}})", leaf(g), leaf(g)),
    }
}

/// A key with `n` paths (60%), a plain one, or one with another count.
fn some_key(g: &mut Gen, n: u64, ctx: Ctx) -> String {
    match g.below(20) {
        0..=11 => mp_key(g, n),
        12..=18 => key(g, ctx),
        _ => mp_key(g, if n == 2 { 3 } else { 2 }),
    }
}

/// A `tpub` or `tprv` with a multipath step of `n` values among its steps, now and then
/// a broken one.
fn mp_key(g: &mut Gen, n: u64) -> String {
    let xprv = Xpriv::new_master(NetworkKind::Test, &g.bytes32()).expect("a 32-byte seed");
    let private = g.chance(40);
    let mut text = if private {
        xprv.to_string()
    } else {
        xprv.to_xpub().to_string()
    };
    if g.chance(20) {
        text = format!(
            "[{}/48h/1h]{text}",
            hex::encode(&g.next().to_le_bytes()[..4])
        );
    }
    // Hardened values below a tpub parse, but cannot be derived.
    let hardened_ok = private || g.chance(10);
    for _ in 0..g.below(3) {
        text.push_str(&format!("/{}", g.below(4)));
    }
    text.push('/');
    text.push_str(&if g.chance(12) {
        broken_step(g)
    } else {
        step(g, n, hardened_ok)
    });
    if g.chance(30) {
        text.push_str(&format!("/{}", g.below(4)));
    }
    if g.chance(60) {
        text.push_str(g.pick(&["/*", "/*", "/*h", "/*'"]));
    }
    text
}

/// `<a;b;...>` of `n` distinct values, maybe hardened.
fn step(g: &mut Gen, n: u64, hardened_ok: bool) -> String {
    let start = g.below(3);
    let values: Vec<String> = (0..n)
        .map(|i| {
            let marker = if hardened_ok {
                g.pick(&["", "", "h", "'"])
            } else {
                ""
            };
            format!("{}{marker}", start + i)
        })
        .collect();
    format!("<{}>", values.join(";"))
}

fn broken_step(g: &mut Gen) -> String {
    g.pick(&[
        "<>",
        "<0>",
        "<1;1>",
        "<1h;1'>",
        "<1;1h>",
        "<0;1",
        "0;1>",
        "<0;>",
        "<;1>",
        "<0;1>/<2;3>",
        "<0;2147483648>",
        "<0;x>",
        "<0;1;2;0>",
        "<0,1>",
    ])
    .to_string()
}
