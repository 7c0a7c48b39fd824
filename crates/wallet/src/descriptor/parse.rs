//! Reading a descriptor's text ([`Descriptor::parse`]): the checksum first, then one
//! script expression, function by function, with the keys inside.
//!
//! An expression is `name(arguments)`; where it stands ([`Context`]: the top, inside
//! `sh()`, `wsh()`, `wpkh()` or `tr()`) decides which functions and keys it may hold:
//! `sh()` only at the top, `wsh()` at the top or in `sh()`, `combo()`, `addr()`, `raw()`,
//! `tr()` and `rawtr()` only at the top, `multi_a()` only in a `tr()` script tree;
//! segwit and taproot refuse uncompressed keys. The checks run in Core's order, so that a
//! wrong descriptor gets Core's message.
//!
//! A `tr()` script tree is written as nested pairs, `{A,{B,C}}`: each pair is a branch of
//! BIP341's Merkle tree, each script expression a leaf (BIP386 "Tree Expression").
//!
//! References: BIP380-386; Core `src/script/descriptor.cpp` (`Parse`, `ParseScript`),
//! `src/script/parsing.cpp` (`Func`, `Expr`, `Const`); the keys are read in `keys.rs`.

use sou_keys::taproot::MAX_PATH_LEN;
use sou_keys::Address;
use sou_primitives::script::MAX_SCRIPT_ELEMENT_SIZE;
use sou_primitives::standard::MAX_PUBKEYS_PER_MULTISIG;
use sou_primitives::{Network, Script};

use super::keys::{multi_push_size, parse_key};
use super::multipath::check_lockstep;
use super::{Descriptor, DescriptorKey, Error, ScriptTree};

/// The most keys a `multi_a()` may hold (Core `MAX_PUBKEYS_PER_MULTI_A`): the number of
/// signature checks a tapscript of standard size can afford.
pub const MAX_PUBKEYS_PER_MULTI_A: usize = 999;

/// Where an expression stands, which decides the functions and keys allowed there (Core
/// `ParseScriptContext`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    Top,
    P2sh,
    P2wpkh,
    P2wsh,
    P2tr,
}

impl Descriptor {
    /// Parses a descriptor for `network` (Core `Parse`).
    ///
    /// A `#checksum` suffix is checked when present and demanded when `require_checksum`.
    /// Keys are hex public keys, WIF secret keys and extended keys of `network` (`xpub`
    /// on mainnet, `tpub` on the others); a secret key is kept, so that hardened steps can
    /// be derived, but printing shows only public keys.
    ///
    /// A multipath descriptor (BIP389, `xpub/<0;1>/*`) stands for several and is refused
    /// with [`Error::Multipath`]; [`Descriptor::parse_multipath`] reads it.
    pub fn parse(
        text: &str,
        network: Network,
        require_checksum: bool,
    ) -> Result<Descriptor, Error> {
        let mut all = Descriptor::parse_multipath(text, network, require_checksum)?;
        match (all.pop(), all.is_empty()) {
            (Some(descriptor), true) => Ok(descriptor),
            _ => Err(Error::Multipath),
        }
    }
}

/// If `sp` is `name(...)`, the text inside the parentheses (Core `script::Func`).
fn func<'a>(name: &str, sp: &'a str) -> Option<&'a str> {
    sp.strip_prefix(name)?.strip_prefix('(')?.strip_suffix(')')
}

/// Takes the expression at the start of `sp`, up to a `,`, `)` or `}` that is not inside
/// brackets, and leaves the rest in `sp` (Core `script::Expr`).
fn expr<'a>(sp: &mut &'a str) -> &'a str {
    let mut level = 0usize;
    let mut end = sp.len();
    for (i, ch) in sp.char_indices() {
        match ch {
            '(' | '{' => level += 1,
            ')' | '}' if level > 0 => level -= 1,
            ')' | '}' | ',' if level == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let (taken, rest) = sp.split_at(end);
    *sp = rest;
    taken
}

/// Prefixes an error with the function it occurred in, as Core's messages do.
fn within(context: &'static str) -> impl Fn(Error) -> Error {
    move |error| Error::In {
        context,
        error: Box::new(error),
    }
}

/// Parses one script expression at the start of `sp` (Core `ParseScript`), leaving what
/// follows it in `sp`.
pub(super) fn parse_script(
    sp: &mut &str,
    ctx: Context,
    network: Network,
) -> Result<Descriptor, Error> {
    let e = expr(sp);
    let top = ctx == Context::Top;
    let top_sh_wsh = matches!(ctx, Context::Top | Context::P2sh | Context::P2wsh);
    let top_or_sh = matches!(ctx, Context::Top | Context::P2sh);
    if let Some(arg) = func("pk", e) {
        let key = parse_key(arg, ctx, network).map_err(within("pk()"))?;
        return Ok(Descriptor::Pk(key));
    }
    if top_sh_wsh {
        if let Some(arg) = func("pkh", e) {
            let key = parse_key(arg, ctx, network).map_err(within("pkh()"))?;
            return Ok(Descriptor::Pkh(key));
        }
    }
    if let Some(arg) = func("combo", e) {
        if !top {
            return Err(Error::WrongContext("Can only have combo() at top level"));
        }
        let key = parse_key(arg, ctx, network).map_err(within("combo()"))?;
        return Ok(Descriptor::Combo(key));
    }
    let multi = [
        ("multi", false, false),
        ("sortedmulti", true, false),
        ("multi_a", false, true),
        ("sortedmulti_a", true, true),
    ]
    .into_iter()
    .find_map(|(name, sorted, tapscript)| Some((func(name, e)?, sorted, tapscript)));
    if let Some((args, sorted, tapscript)) = multi {
        if tapscript && ctx != Context::P2tr {
            return Err(Error::WrongContext(
                "Can only have multi_a/sortedmulti_a inside tr()",
            ));
        }
        if !tapscript && !top_sh_wsh {
            return Err(Error::WrongContext(
                "Can only have multi/sortedmulti at top level, in sh(), or in wsh()",
            ));
        }
        let (threshold, keys) = parse_multi(args, ctx, tapscript, network)?;
        return Ok(if tapscript {
            Descriptor::MultiA {
                threshold,
                keys,
                sorted,
            }
        } else {
            Descriptor::Multi {
                threshold,
                keys,
                sorted,
            }
        });
    }
    if let Some(arg) = func("wpkh", e) {
        if !top_or_sh {
            return Err(Error::WrongContext(
                "Can only have wpkh() at top level or inside sh()",
            ));
        }
        let key = parse_key(arg, Context::P2wpkh, network).map_err(within("wpkh()"))?;
        return Ok(Descriptor::Wpkh(key));
    }
    if let Some(mut inner) = func("sh", e) {
        if !top {
            return Err(Error::WrongContext("Can only have sh() at top level"));
        }
        let descriptor = parse_script(&mut inner, Context::P2sh, network)?;
        if !inner.is_empty() {
            return Err(Error::TrailingText);
        }
        return Ok(Descriptor::Sh(Box::new(descriptor)));
    }
    if let Some(mut inner) = func("wsh", e) {
        if !top_or_sh {
            return Err(Error::WrongContext(
                "Can only have wsh() at top level or inside sh()",
            ));
        }
        let descriptor = parse_script(&mut inner, Context::P2wsh, network)?;
        if !inner.is_empty() {
            return Err(Error::TrailingText);
        }
        return Ok(Descriptor::Wsh(Box::new(descriptor)));
    }
    if let Some(arg) = func("addr", e) {
        if !top {
            return Err(Error::WrongContext("Can only have addr() at top level"));
        }
        let address = Address::parse(arg, network).map_err(|_| Error::InvalidAddress)?;
        return Ok(Descriptor::Addr(address));
    }
    if let Some(args) = func("tr", e) {
        if !top {
            return Err(Error::WrongContext("Can only have tr at top level"));
        }
        return parse_tr(args, network);
    }
    if let Some(mut args) = func("rawtr", e) {
        if !top {
            return Err(Error::WrongContext("Can only have rawtr at top level"));
        }
        let key_text = expr(&mut args);
        if !args.is_empty() {
            return Err(Error::RawtrOneKey);
        }
        let key = parse_key(key_text, Context::P2tr, network).map_err(within("rawtr()"))?;
        return Ok(Descriptor::RawTr(key));
    }
    if func("unused", e).is_some() {
        return Err(if top {
            Error::Unsupported("unused()")
        } else {
            Error::WrongContext("Can only have unused at top level")
        });
    }
    if let Some(arg) = func("raw", e) {
        if !top {
            return Err(Error::WrongContext("Can only have raw() at top level"));
        }
        let bytes = decode_hex(arg).ok_or(Error::RawNotHex)?;
        return Ok(Descriptor::Raw(Script::from_bytes(bytes)));
    }
    // What remains could only be miniscript, which Core tries inside wsh() and tr() and
    // sou does not read yet.
    match ctx {
        Context::P2sh => Err(Error::FunctionNeededInP2sh),
        Context::P2wsh => Err(Error::FunctionNeededInP2wsh),
        _ => Err(Error::NotAFunction(e.to_owned())),
    }
}

/// The arguments of `multi`, `sortedmulti`, `multi_a` or `sortedmulti_a`: a threshold
/// and keys, with Core's checks in Core's order.
fn parse_multi(
    mut args: &str,
    ctx: Context,
    tapscript: bool,
    network: Network,
) -> Result<(u32, Vec<DescriptorKey>), Error> {
    let threshold_text = expr(&mut args);
    let threshold = parse_u32(threshold_text)
        .ok_or_else(|| Error::MultiThreshold(threshold_text.to_owned()))?;
    let mut keys = Vec::new();
    let mut script_size = 0usize;
    while let Some(ch) = args.chars().next() {
        args = args
            .strip_prefix(',')
            .ok_or(Error::MultiExpectedComma(ch))?;
        let key = parse_key(expr(&mut args), ctx, network).map_err(within("Multi"))?;
        script_size += multi_push_size(&key);
        keys.push(key);
    }
    if !tapscript && (keys.is_empty() || keys.len() > usize::from(MAX_PUBKEYS_PER_MULTISIG)) {
        return Err(Error::MultiKeyCount(keys.len()));
    }
    if tapscript && (keys.is_empty() || keys.len() > MAX_PUBKEYS_PER_MULTI_A) {
        return Err(Error::MultiAKeyCount(keys.len()));
    }
    if threshold == 0 {
        return Err(Error::MultiThresholdZero);
    }
    if usize::try_from(threshold).map_or(true, |t| t > keys.len()) {
        return Err(Error::MultiThresholdTooLarge {
            threshold,
            keys: keys.len(),
        });
    }
    if ctx == Context::Top && keys.len() > 3 {
        return Err(Error::BareMultisigTooLarge(keys.len()));
    }
    // The redeem script is pushed whole when spending, so it must fit in one push: this
    // caps P2SH multisig at 15 compressed keys.
    if ctx == Context::P2sh && script_size + 3 > MAX_SCRIPT_ELEMENT_SIZE {
        return Err(Error::P2shTooLarge(script_size + 3));
    }
    // BIP389: every multipath key lists as many paths (checked last, as in Core).
    check_lockstep(
        keys.iter().map(DescriptorKey::path_count),
        Error::MultiMultipathMismatch,
    )?;
    Ok((threshold, keys))
}

/// `tr(KEY)` or `tr(KEY,TREE)` (BIP386).
fn parse_tr(mut args: &str, network: Network) -> Result<Descriptor, Error> {
    let key_text = expr(&mut args);
    let key = parse_key(key_text, Context::P2tr, network).map_err(within("tr()"))?;
    let Some(first) = args.chars().next() else {
        return Ok(Descriptor::Tr { key, tree: None });
    };
    args = args
        .strip_prefix(',')
        .ok_or(Error::TrExpectedComma(first))?;
    let tree = parse_tree(&mut args, 0, network)?;
    if !args.is_empty() {
        return Err(Error::TrExpected("')'"));
    }
    // BIP389: the leaves must agree with each other and with the internal key, which
    // counts in the largest number (Core's `max_providers_len` starts from it).
    let mut leaves = Vec::new();
    tree.collect_leaves(&mut leaves);
    let counts = leaves.iter().map(|leaf| leaf.path_count());
    let most = counts.clone().max().unwrap_or(1).max(key.path_count());
    if counts.clone().any(|n| n != 1 && n != most) {
        return Err(Error::TrMultipathSubscriptsMismatch);
    }
    if key.path_count() > 1 && key.path_count() != most {
        return Err(Error::TrMultipathKeyMismatch);
    }
    Ok(Descriptor::Tr {
        key,
        tree: Some(tree),
    })
}

/// A tree expression at `depth` branches below the root: `{LEFT,RIGHT}` or a script.
fn parse_tree(sp: &mut &str, depth: usize, network: Network) -> Result<ScriptTree, Error> {
    let Some(rest) = sp.strip_prefix('{') else {
        let leaf = parse_script(sp, Context::P2tr, network)?;
        return Ok(ScriptTree::Leaf(Box::new(leaf)));
    };
    // A control block holds one hash per level: BIP341 allows 128.
    if depth >= MAX_PATH_LEN {
        return Err(Error::TrTooDeep);
    }
    *sp = rest;
    let left = parse_tree(sp, depth + 1, network)?;
    *sp = sp.strip_prefix(',').ok_or(Error::TrExpected("','"))?;
    let right = parse_tree(sp, depth + 1, network)?;
    *sp = sp.strip_prefix('}').ok_or(Error::TrExpected("'}'"))?;
    Ok(ScriptTree::Branch(Box::new(left), Box::new(right)))
}

/// A decimal `u32` as Core's `ToIntegral<uint32_t>` reads it: digits only, an optional
/// leading `+`, no overflow.
pub(super) fn parse_u32(text: &str) -> Option<u32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Hex as Core's `IsHex` accepts it: a non-empty, even number of hex digits.
pub(super) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() || text.len() % 2 != 0 {
        return None;
    }
    let digit = |b: u8| char::from(b).to_digit(16);
    text.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => u8::try_from(digit(*hi)? * 16 + digit(*lo)?).ok(),
            _ => None,
        })
        .collect()
}
