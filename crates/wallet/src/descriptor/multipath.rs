//! Multipath key expressions (BIP389): one descriptor text for several descriptors.
//!
//! A wallet account has two chains, receiving (`/0/*`) and change (`/1/*`), and used to
//! need a descriptor for each. BIP389 lets one key step list alternatives, `<0;1>`:
//! `wpkh(xpub.../<0;1>/*)` stands for `wpkh(xpub.../0/*)` and `wpkh(xpub.../1/*)`.
//!
//! The rules, as Core reads them: at most one such step per key, after the extended key
//! (never in the origin), with at least two values and no value twice; hardened values
//! are allowed. All multipath keys of a descriptor list the same number of values, and
//! descriptor `i` takes value `i` of every one of them; a key without a multipath step is
//! the same in all. A mismatch is reported where Core finds it: by `multi()` over its
//! keys, by `tr()` over its leaves and then its internal key.
//!
//! [`Descriptor::parse_multipath`] gives the list (Core's `Parse` returns several
//! descriptors); [`Descriptor::parse`] accepts only texts that stand for one.
//!
//! References: BIP389; Core `src/script/descriptor.cpp` (`ParseKeyPath`, `ParseScript`'s
//! `multi` and `tr` branches, `Parse`), `src/rpc/output_script.cpp`
//! (`getdescriptorinfo`'s `multipath_expansion`, `deriveaddresses`).

use core::convert::Infallible;

use sou_keys::bip32::ChildNumber;
use sou_primitives::Network;

use super::checksum::check_checksum;
use super::keys::parse_step;
use super::parse::{parse_script, Context};
use super::{Descriptor, DescriptorKey, Error};

/// The alternatives of a multipath step and where it stands in the key's path (Core
/// `ParseKeyPath`'s `MultipathSubstitutes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Multipath {
    /// The index of the step in the path after the extended key.
    pub(super) position: usize,
    /// The values, in the order written: two or more, no two equal.
    pub(super) values: Vec<ChildNumber>,
}

/// The values of `<a;b;...>` (BIP389), checked in Core's order: at least two, each a step
/// as `parse_step` reads it (hardened allowed), no value twice (`<1;1h>` has none).
pub(super) fn parse_multipath_step(
    elem: &str,
    apostrophe: &mut bool,
) -> Result<Vec<ChildNumber>, Error> {
    // The caller saw the brackets.
    let inside = elem.strip_prefix('<').unwrap_or(elem);
    let inside = inside.strip_suffix('>').unwrap_or(inside);
    let texts: Vec<&str> = inside.split(';').collect();
    if texts.len() < 2 {
        return Err(Error::MultipathTooFew);
    }
    let mut values: Vec<ChildNumber> = Vec::with_capacity(texts.len());
    for text in texts {
        let step = parse_step(text, apostrophe)?;
        if values.contains(&step) {
            return Err(Error::MultipathDuplicate(step.to_u32()));
        }
        values.push(step);
    }
    Ok(values)
}

impl Descriptor {
    /// Parses a descriptor that may hold multipath steps into the descriptors it stands
    /// for, one per path, in the order the values are written (Core `Parse`). Without a
    /// multipath step the list has one descriptor, that of [`Descriptor::parse`].
    pub fn parse_multipath(
        text: &str,
        network: Network,
        require_checksum: bool,
    ) -> Result<Vec<Descriptor>, Error> {
        let mut rest = check_checksum(text, require_checksum)?;
        let descriptor = parse_script(&mut rest, Context::Top, network)?;
        if !rest.is_empty() {
            return Err(Error::TrailingText);
        }
        Ok((0..descriptor.path_count())
            .map(|i| descriptor.at_path(i))
            .collect())
    }

    /// How many descriptors this one stands for: the most values of a multipath step
    /// among its keys, or 1. The parser has checked that the others agree.
    pub(super) fn path_count(&self) -> usize {
        self.keys()
            .iter()
            .map(|k| k.path_count())
            .max()
            .unwrap_or(1)
    }

    /// The descriptor of path `i`: every multipath key with its value `i`.
    fn at_path(&self, i: usize) -> Descriptor {
        let picked = self.map_keys(false, &mut |k, _| Ok::<_, Infallible>(k.at_path(i)));
        match picked {
            Ok(descriptor) => descriptor,
            Err(never) => match never {},
        }
    }
}

impl DescriptorKey {
    /// The number of values of its multipath step, or 1.
    pub(super) fn path_count(&self) -> usize {
        self.multipath.as_ref().map_or(1, |m| m.values.len())
    }

    /// The key of path `i`: the multipath step replaced by its value `i`.
    fn at_path(&self, i: usize) -> DescriptorKey {
        let mut key = self.clone();
        if let Some(multipath) = key.multipath.take() {
            if let Some(value) = multipath.values.get(i) {
                key.set_step(multipath.position, *value);
            }
        }
        key
    }
}

/// Checks that every count is 1 or the largest (Core clones the single ones), the
/// parser's check for the keys of `multi()` and the leaves of `tr()`.
pub(super) fn check_lockstep(
    counts: impl IntoIterator<Item = usize> + Clone,
    mismatch: Error,
) -> Result<usize, Error> {
    let most = counts.clone().into_iter().max().unwrap_or(1);
    if counts.into_iter().any(|n| n != 1 && n != most) {
        return Err(mismatch);
    }
    Ok(most)
}
