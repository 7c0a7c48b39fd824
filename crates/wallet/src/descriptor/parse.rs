//! Reading a descriptor's text ([`Descriptor::parse`]): the checksum first, then one
//! script expression, function by function, with the keys inside.
//!
//! An expression is `name(arguments)`; where it stands ([`Context`]: the top, inside
//! `sh()`, `wpkh()` or `tr()`) decides which functions and keys it may hold. The checks
//! run in Core's order, so that a wrong descriptor gets Core's message.
//!
//! References: BIP380-386; Core `src/script/descriptor.cpp` (`Parse`, `ParseScript`,
//! `ParsePubkey`, `ParsePubkeyInner`), `src/script/parsing.cpp` (`Func`, `Expr`).

use sou_keys::key::PrivateKey;
use sou_keys::{Address, PublicKey, XOnlyPublicKey};
use sou_primitives::script::MAX_SCRIPT_ELEMENT_SIZE;
use sou_primitives::standard::MAX_PUBKEYS_PER_MULTISIG;
use sou_primitives::{Network, Script};

use super::checksum::check_checksum;
use super::{Descriptor, DescriptorKey, Error};

/// Where an expression stands, which decides the functions and keys allowed there (Core
/// `ParseScriptContext`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Top,
    P2sh,
    P2wpkh,
    P2tr,
}

impl Descriptor {
    /// Parses a descriptor for `network` (Core `Parse`, for one non-ranged descriptor).
    ///
    /// A `#checksum` suffix is checked when present and demanded when `require_checksum`.
    /// Keys are hex public keys or WIF secret keys of `network`; a secret key contributes
    /// only its public key.
    pub fn parse(
        text: &str,
        network: Network,
        require_checksum: bool,
    ) -> Result<Descriptor, Error> {
        let mut rest = check_checksum(text, require_checksum)?;
        let descriptor = parse_script(&mut rest, Context::Top, network)?;
        if !rest.is_empty() {
            return Err(Error::TrailingText);
        }
        Ok(descriptor)
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
/// follows it in `sp`. The checks run in Core's order, so a misplaced function gets
/// Core's message for it.
fn parse_script(sp: &mut &str, ctx: Context, network: Network) -> Result<Descriptor, Error> {
    let e = expr(sp);
    let top = ctx == Context::Top;
    let top_or_sh = matches!(ctx, Context::Top | Context::P2sh);
    if let Some(arg) = func("pk", e) {
        return Ok(Descriptor::Pk(
            parse_pubkey(arg, ctx, network).map_err(within("pk()"))?,
        ));
    }
    if top_or_sh {
        if let Some(arg) = func("pkh", e) {
            return Ok(Descriptor::Pkh(
                parse_pubkey(arg, ctx, network).map_err(within("pkh()"))?,
            ));
        }
    }
    if func("combo", e).is_some() {
        return Err(if top {
            Error::Unsupported("combo()")
        } else {
            Error::WrongContext("Can only have combo() at top level")
        });
    }
    if let Some(args) = func("multi", e) {
        if !top_or_sh {
            return Err(Error::WrongContext(
                "Can only have multi/sortedmulti at top level, in sh(), or in wsh()",
            ));
        }
        return parse_multi(args, ctx, network);
    }
    if func("sortedmulti", e).is_some() {
        return Err(if top_or_sh {
            Error::Unsupported("sortedmulti()")
        } else {
            Error::WrongContext(
                "Can only have multi/sortedmulti at top level, in sh(), or in wsh()",
            )
        });
    }
    if func("multi_a", e).is_some() || func("sortedmulti_a", e).is_some() {
        return Err(Error::WrongContext(
            "Can only have multi_a/sortedmulti_a inside tr()",
        ));
    }
    if let Some(arg) = func("wpkh", e) {
        if !top_or_sh {
            return Err(Error::WrongContext(
                "Can only have wpkh() at top level or inside sh()",
            ));
        }
        let key = parse_pubkey(arg, Context::P2wpkh, network).map_err(within("wpkh()"))?;
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
    if func("wsh", e).is_some() {
        return Err(if top_or_sh {
            Error::Unsupported("wsh()")
        } else {
            Error::WrongContext("Can only have wsh() at top level or inside sh()")
        });
    }
    if let Some(arg) = func("addr", e) {
        if !top {
            return Err(Error::WrongContext("Can only have addr() at top level"));
        }
        let address = Address::parse(arg, network).map_err(|_| Error::InvalidAddress)?;
        return Ok(Descriptor::Addr(address));
    }
    if let Some(mut args) = func("tr", e) {
        if !top {
            return Err(Error::WrongContext("Can only have tr at top level"));
        }
        let key_text = expr(&mut args);
        let key = parse_pubkey(key_text, Context::P2tr, network).map_err(within("tr()"))?;
        if !args.is_empty() {
            return Err(Error::Unsupported("tr() with a script tree"));
        }
        return Ok(Descriptor::Tr(key));
    }
    if let Some(mut args) = func("rawtr", e) {
        if !top {
            return Err(Error::WrongContext("Can only have rawtr at top level"));
        }
        let key_text = expr(&mut args);
        if !args.is_empty() {
            return Err(Error::RawtrOneKey);
        }
        let key = parse_pubkey(key_text, Context::P2tr, network).map_err(within("rawtr()"))?;
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
    // What remains could only be miniscript, which Core accepts inside wsh() and tr().
    if ctx == Context::P2sh {
        return Err(Error::FunctionNeededInP2sh);
    }
    Err(Error::NotAFunction(e.to_owned()))
}

/// `multi(k,KEY,...)` at the top or inside `sh()`, with Core's checks in Core's order.
fn parse_multi(mut args: &str, ctx: Context, network: Network) -> Result<Descriptor, Error> {
    let threshold_text = expr(&mut args);
    let threshold = parse_u32(threshold_text)
        .ok_or_else(|| Error::MultiThreshold(threshold_text.to_owned()))?;
    let mut keys = Vec::new();
    let mut script_size = 0usize;
    while let Some(ch) = args.chars().next() {
        args = args
            .strip_prefix(',')
            .ok_or(Error::MultiExpectedComma(ch))?;
        let key = parse_pubkey(expr(&mut args), ctx, network).map_err(within("Multi"))?;
        script_size += key.as_bytes().len() + 1;
        keys.push(key);
    }
    if keys.is_empty() || keys.len() > usize::from(MAX_PUBKEYS_PER_MULTISIG) {
        return Err(Error::MultiKeyCount(keys.len()));
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
    // The redeem script is pushed whole when spending, so it must fit in one push.
    if ctx == Context::P2sh && script_size + 3 > MAX_SCRIPT_ELEMENT_SIZE {
        return Err(Error::P2shTooLarge(script_size + 3));
    }
    Ok(Descriptor::Multi { threshold, keys })
}

/// A decimal `u32` as Core's `ToIntegral<uint32_t>` reads it: digits only, an optional
/// leading `+`, no overflow.
fn parse_u32(text: &str) -> Option<u32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// One key expression (Core `ParsePubkey` and `ParsePubkeyInner`), for the concrete keys
/// this module reads: hex public keys and WIF secret keys.
fn parse_pubkey(sp: &str, ctx: Context, network: Network) -> Result<DescriptorKey, Error> {
    if sp.starts_with("musig(") {
        return Err(if ctx == Context::P2tr {
            Error::Unsupported("musig()")
        } else {
            Error::MusigOutsideTaproot
        });
    }
    match sp.matches(']').count() {
        0 => {}
        1 => return Err(Error::Unsupported("a key origin")),
        _ => return Err(Error::MultipleOriginBrackets),
    }
    // Segwit and taproot commit to 33-byte keys only (BIP143 and BIP341 policy).
    let permit_uncompressed = matches!(ctx, Context::Top | Context::P2sh);
    let (text, path) = match sp.split_once('/') {
        Some((text, path)) => (text, Some(path)),
        None => (sp, None),
    };
    if text.is_empty() {
        return Err(Error::NoKey);
    }
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r');
    if text.starts_with(is_space) || text.ends_with(is_space) {
        return Err(Error::KeyWhitespace(text.to_owned()));
    }
    if path.is_none() {
        if let Some(data) = decode_hex(text) {
            return parse_hex_pubkey(text, data, ctx, permit_uncompressed);
        }
        if let Ok(private) = PrivateKey::from_wif(text, network.params()) {
            if !permit_uncompressed && !private.compressed {
                return Err(Error::UncompressedKey);
            }
            return Ok(DescriptorKey {
                bytes: private.public_key().to_bytes(),
                x_only: ctx == Context::P2tr,
            });
        }
    }
    match sou_keys::bip32::decode_extended(text) {
        Ok(_) => Err(Error::Unsupported("an extended key")),
        Err(_) => Err(Error::InvalidKey(text.to_owned())),
    }
}

/// A public key given in hex: 33 or 65 bytes on the curve, or in taproot 32 bytes of an
/// x coordinate, which stands for the point with even y.
fn parse_hex_pubkey(
    text: &str,
    data: Vec<u8>,
    ctx: Context,
    permit_uncompressed: bool,
) -> Result<DescriptorKey, Error> {
    let announced = match data.first() {
        Some(0x02 | 0x03) => 33,
        Some(0x04 | 0x06 | 0x07) => 65,
        _ => 0,
    };
    if announced == data.len() && matches!(data.first(), Some(0x06 | 0x07)) {
        return Err(Error::HybridKey);
    }
    if announced == data.len() {
        if let Ok(key) = PublicKey::from_slice(&data) {
            if !permit_uncompressed && !key.is_compressed() {
                return Err(Error::UncompressedKey);
            }
            return Ok(DescriptorKey {
                bytes: data,
                x_only: false,
            });
        }
    }
    if ctx == Context::P2tr {
        if let Ok(x) = <[u8; 32]>::try_from(data.as_slice()) {
            if XOnlyPublicKey::from_byte_array(x).is_ok() {
                let mut bytes = vec![0x02];
                bytes.extend_from_slice(&x);
                return Ok(DescriptorKey {
                    bytes,
                    x_only: true,
                });
            }
        }
    }
    Err(Error::InvalidPubkey(text.to_owned()))
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
