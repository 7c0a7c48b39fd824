//! Consensus encoding: how Bitcoin turns values into bytes and back.
//!
//! Every node must hash exactly the same bytes for a transaction or a block, so Bitcoin
//! fixes one serialisation for each type: integers little-endian, and every list or byte
//! string prefixed by its length as a *CompactSize* (1, 3, 5 or 9 bytes). Hashes
//! (txid, block hash) are taken over these bytes, which is why this module matters to
//! consensus and not just to storage.
//!
//! [`Encode`] writes a value into any [`WriteBytes`] sink (a `Vec<u8>`, or a hash engine
//! so that hashing never builds a temporary copy). [`Decode`] reads from a [`Reader`] over
//! a byte slice. Decoding is defensive: bytes come from peers and files, so a length
//! prefix is never trusted for an allocation larger than what the remaining input could
//! hold, and every failure is a [`DecodeError`], never a panic.
//!
//! References: Core `src/serialize.h` (`WriteCompactSize`, `ReadCompactSize`, `MAX_SIZE`).

use thiserror::Error;

/// The largest length prefix Core accepts when it reads one (`MAX_SIZE` in `serialize.h`).
///
/// No message on the network exceeds 32 MiB, so a larger length is a lie that would only
/// serve to make the reader allocate.
pub const MAX_SIZE: u64 = 0x0200_0000;

/// Why bytes could not be decoded.
///
/// The messages follow Core's `std::ios_base::failure` texts where Core has one, so that the
/// two can be compared; the variant carries the detail.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended before the value did (Core: "end of data").
    #[error("end of data: needed {needed} more bytes, {remaining} left")]
    UnexpectedEnd {
        /// Bytes the next field needed.
        needed: usize,
        /// Bytes that were left.
        remaining: usize,
    },
    /// A CompactSize used more bytes than its value needs (Core: "non-canonical ReadCompactSize()").
    #[error("non-canonical compact size: {value} encoded in {encoded_len} bytes")]
    NonCanonicalCompactSize {
        /// The value read.
        value: u64,
        /// How many bytes encoded it.
        encoded_len: usize,
    },
    /// A CompactSize length above [`MAX_SIZE`] (Core: "ReadCompactSize(): size too large").
    #[error("compact size too large: {value} exceeds {MAX_SIZE}")]
    CompactSizeTooLarge {
        /// The value read.
        value: u64,
    },
    /// A list claims more items than the remaining bytes could possibly hold.
    #[error("{what}: {count} items claimed but only {remaining} bytes left (each needs at least {min_item_len})")]
    TooManyItems {
        /// What was being read.
        what: &'static str,
        /// The claimed count.
        count: u64,
        /// Bytes left in the input.
        remaining: usize,
        /// The smallest possible encoding of one item.
        min_item_len: usize,
    },
    /// Bytes were left after a complete value.
    #[error("{count} trailing bytes after the value")]
    TrailingBytes {
        /// How many bytes were left.
        count: usize,
    },
    /// The BIP144 witness flag is set but every input's witness is empty
    /// (Core: "Superfluous witness record").
    #[error("superfluous witness record: witness flag set but every witness is empty")]
    SuperfluousWitnessRecord,
    /// The BIP144 flag byte has bits sou (and Core) do not know
    /// (Core: "Unknown transaction optional data").
    #[error("unknown transaction optional data: flag byte {flags:#04x}")]
    UnknownOptionalData {
        /// The flag byte as read.
        flags: u8,
    },
}

/// A sink for encoded bytes.
///
/// Implemented for `Vec<u8>` and for the SHA-256 engines in [`crate::hashes`], so a value
/// can be hashed as it is serialised.
pub trait WriteBytes {
    /// Appends `bytes`.
    fn write_bytes(&mut self, bytes: &[u8]);
}

impl WriteBytes for Vec<u8> {
    #[inline]
    fn write_bytes(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A cursor over a byte slice, the only input decoding knows.
///
/// Reading a field either returns it and advances, or fails without panicking.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    /// Bytes not read yet.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// How many bytes were read so far.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The whole input, read or not (decoders that keep a span of it use this).
    #[inline]
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Reads the next `len` bytes as a borrowed slice.
    #[inline]
    pub fn read_slice(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        let rest = &self.data[self.pos..];
        match rest.get(..len) {
            Some(slice) => {
                self.pos += len;
                Ok(slice)
            }
            None => Err(DecodeError::UnexpectedEnd {
                needed: len,
                remaining: rest.len(),
            }),
        }
    }

    /// Reads a fixed number of bytes.
    #[inline]
    pub fn read_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let rest = &self.data[self.pos..];
        match rest.split_first_chunk::<N>() {
            Some((head, _)) => {
                self.pos += N;
                Ok(*head)
            }
            None => Err(DecodeError::UnexpectedEnd {
                needed: N,
                remaining: rest.len(),
            }),
        }
    }

    /// Reads one byte.
    #[inline]
    pub fn read_u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.read_array::<1>()?[0])
    }

    /// Reads a little-endian `u16`.
    #[inline]
    pub fn read_u16_le(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.read_array()?))
    }

    /// Reads a little-endian `u32`.
    #[inline]
    pub fn read_u32_le(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.read_array()?))
    }

    /// Reads a little-endian `i32`.
    #[inline]
    pub fn read_i32_le(&mut self) -> Result<i32, DecodeError> {
        Ok(i32::from_le_bytes(self.read_array()?))
    }

    /// Reads a little-endian `u64`.
    #[inline]
    pub fn read_u64_le(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.read_array()?))
    }

    /// Reads a little-endian `i64`.
    #[inline]
    pub fn read_i64_le(&mut self) -> Result<i64, DecodeError> {
        Ok(i64::from_le_bytes(self.read_array()?))
    }

    /// Reads a CompactSize that must be canonical and at most [`MAX_SIZE`], as Core does
    /// for every length prefix (`ReadCompactSize(is, range_check = true)`).
    #[inline]
    pub fn read_compact_size(&mut self) -> Result<u64, DecodeError> {
        let value = self.read_compact_size_unbounded()?;
        if value > MAX_SIZE {
            return Err(DecodeError::CompactSizeTooLarge { value });
        }
        Ok(value)
    }

    /// Reads a canonical CompactSize of any value up to `u64::MAX`
    /// (Core's `ReadCompactSize(is, range_check = false)`, used where the number is not a
    /// length, e.g. the P2P `addrv2` service bits).
    pub fn read_compact_size_unbounded(&mut self) -> Result<u64, DecodeError> {
        // The first byte is the value itself below 0xfd; 0xfd, 0xfe, 0xff announce a
        // 2, 4 or 8 byte little-endian value that must not fit in the shorter form.
        let (value, min, encoded_len) = match self.read_u8()? {
            0xfd => (u64::from(self.read_u16_le()?), 0xfd, 3),
            0xfe => (u64::from(self.read_u32_le()?), 0x1_0000, 5),
            0xff => (self.read_u64_le()?, 0x1_0000_0000, 9),
            small => return Ok(u64::from(small)),
        };
        if value < min {
            return Err(DecodeError::NonCanonicalCompactSize { value, encoded_len });
        }
        Ok(value)
    }

    /// Reads a CompactSize item count for a list whose items each take at least
    /// `min_item_len` bytes, and refuses a count the rest of the input cannot hold.
    ///
    /// This is what keeps a 10-byte message claiming four billion inputs from reserving
    /// gigabytes: the count is checked against the bytes actually present, before any
    /// allocation.
    pub fn read_count(
        &mut self,
        what: &'static str,
        min_item_len: usize,
    ) -> Result<usize, DecodeError> {
        let count = self.read_compact_size()?;
        let remaining = self.remaining();
        usize::try_from(count)
            .ok()
            .filter(|n| n.saturating_mul(min_item_len) <= remaining)
            .ok_or(DecodeError::TooManyItems {
                what,
                count,
                remaining,
                min_item_len,
            })
    }

    /// Reads a CompactSize length followed by that many bytes.
    #[inline]
    pub fn read_var_bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.read_compact_size()?;
        // On a 32-bit target a length above usize::MAX cannot be present either.
        self.read_slice(usize::try_from(len).unwrap_or(usize::MAX))
    }

    /// Fails unless every byte was read.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(DecodeError::TrailingBytes { count }),
        }
    }
}

/// A value with a consensus serialisation.
pub trait Encode {
    /// Writes the serialisation of `self` into `w`.
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W);

    /// The length of the serialisation, computed without writing it.
    fn encoded_len(&self) -> usize;
}

/// A value that can be read back from its consensus serialisation.
pub trait Decode: Sized {
    /// Reads one value from `r`, leaving `r` after its last byte.
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError>;
}

/// Serialises `value` into a new vector.
pub fn serialize<T: Encode + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.encoded_len());
    value.encode_to(&mut out);
    out
}

/// Decodes a value that must take exactly all of `bytes`.
pub fn deserialize<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut r = Reader::new(bytes);
    let value = T::decode_from(&mut r)?;
    r.finish()?;
    Ok(value)
}

/// Decodes a value from the front of `bytes` and returns it with the number of bytes used.
pub fn deserialize_partial<T: Decode>(bytes: &[u8]) -> Result<(T, usize), DecodeError> {
    let mut r = Reader::new(bytes);
    let value = T::decode_from(&mut r)?;
    Ok((value, r.position()))
}

/// Writes `n` as a CompactSize, in its shortest form (Core `WriteCompactSize`).
#[inline]
pub fn write_compact_size<W: WriteBytes + ?Sized>(w: &mut W, n: u64) {
    // Each branch keeps the low 1, 2, 4 or 8 little-endian bytes that `n` fits in.
    let b = n.to_le_bytes();
    if n < 0xfd {
        w.write_bytes(&b[..1]);
    } else if n <= 0xffff {
        w.write_bytes(&[0xfd, b[0], b[1]]);
    } else if n <= 0xffff_ffff {
        w.write_bytes(&[0xfe, b[0], b[1], b[2], b[3]]);
    } else {
        w.write_bytes(&[0xff, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
    }
}

/// How many bytes [`write_compact_size`] uses for `n`.
#[inline]
pub const fn compact_size_len(n: u64) -> usize {
    if n < 0xfd {
        1
    } else if n <= 0xffff {
        3
    } else if n <= 0xffff_ffff {
        5
    } else {
        9
    }
}

/// Writes a byte string with its CompactSize length prefix.
#[inline]
pub fn write_var_bytes<W: WriteBytes + ?Sized>(w: &mut W, bytes: &[u8]) {
    write_compact_size(w, bytes.len() as u64);
    w.write_bytes(bytes);
}

/// The length of a byte string with its CompactSize prefix.
#[inline]
pub const fn var_bytes_len(len: usize) -> usize {
    compact_size_len(len as u64) + len
}

macro_rules! impl_int {
    ($ty:ty, $read:ident) => {
        impl Encode for $ty {
            #[inline]
            fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
                w.write_bytes(&self.to_le_bytes());
            }
            #[inline]
            fn encoded_len(&self) -> usize {
                core::mem::size_of::<$ty>()
            }
        }
        impl Decode for $ty {
            #[inline]
            fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                r.$read()
            }
        }
    };
}

impl_int!(u8, read_u8);
impl_int!(u16, read_u16_le);
impl_int!(u32, read_u32_le);
impl_int!(i32, read_i32_le);
impl_int!(u64, read_u64_le);
impl_int!(i64, read_i64_le);

impl<const N: usize> Encode for [u8; N] {
    #[inline]
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(self);
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        N
    }
}

impl<const N: usize> Decode for [u8; N] {
    #[inline]
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.read_array()
    }
}

/// Writes a list: its CompactSize count, then each item.
pub fn encode_list<T: Encode, W: WriteBytes + ?Sized>(w: &mut W, items: &[T]) {
    write_compact_size(w, items.len() as u64);
    for item in items {
        item.encode_to(w);
    }
}

/// The encoded length of a list.
pub fn list_len<T: Encode>(items: &[T]) -> usize {
    compact_size_len(items.len() as u64) + items.iter().map(Encode::encoded_len).sum::<usize>()
}

/// Reads a list of items that each take at least `min_item_len` bytes.
pub fn decode_list<T: Decode>(
    r: &mut Reader<'_>,
    what: &'static str,
    min_item_len: usize,
) -> Result<Vec<T>, DecodeError> {
    let count = r.read_count(what, min_item_len)?;
    let mut items = Vec::with_capacity(count);
    for _ in 0..count {
        items.push(T::decode_from(r)?);
    }
    Ok(items)
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "test data generators keep the low bits"
)]
mod tests {
    use super::*;

    fn compact(bytes: &[u8]) -> Result<u64, DecodeError> {
        let mut r = Reader::new(bytes);
        let v = r.read_compact_size()?;
        r.finish()?;
        Ok(v)
    }

    #[test]
    fn compact_size_round_trips_at_every_boundary() {
        for n in [
            0u64,
            1,
            0xfc,
            0xfd,
            0xfe,
            0xff,
            0x100,
            0xffff,
            0x1_0000,
            MAX_SIZE - 1,
            MAX_SIZE,
        ] {
            let mut buf = Vec::new();
            write_compact_size(&mut buf, n);
            assert_eq!(buf.len(), compact_size_len(n), "length of {n}");
            assert_eq!(compact(&buf), Ok(n), "round trip of {n}");
        }
        let mut buf = Vec::new();
        write_compact_size(&mut buf, u64::MAX);
        assert_eq!(buf.len(), 9);
        assert_eq!(
            Reader::new(&buf).read_compact_size_unbounded(),
            Ok(u64::MAX)
        );
    }

    #[test]
    fn non_canonical_compact_sizes_are_refused() {
        assert_eq!(
            compact(&[0xfd, 0xfc, 0x00]),
            Err(DecodeError::NonCanonicalCompactSize {
                value: 0xfc,
                encoded_len: 3
            })
        );
        assert_eq!(
            compact(&[0xfe, 0xff, 0xff, 0x00, 0x00]),
            Err(DecodeError::NonCanonicalCompactSize {
                value: 0xffff,
                encoded_len: 5
            })
        );
        assert_eq!(
            compact(&[0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
            Err(DecodeError::NonCanonicalCompactSize {
                value: 0xffff_ffff,
                encoded_len: 9
            })
        );
    }

    #[test]
    fn oversize_compact_sizes_are_refused() {
        // MAX_SIZE + 1 = 0x02000001, canonical in the 5-byte form.
        assert_eq!(
            compact(&[0xfe, 0x01, 0x00, 0x00, 0x02]),
            Err(DecodeError::CompactSizeTooLarge {
                value: MAX_SIZE + 1
            })
        );
        assert_eq!(
            compact(&[0xff, 0, 0, 0, 0, 1, 0, 0, 0]),
            Err(DecodeError::CompactSizeTooLarge { value: 1 << 32 })
        );
    }

    #[test]
    fn truncated_compact_size_is_end_of_data() {
        assert_eq!(
            compact(&[0xfd, 0x00]),
            Err(DecodeError::UnexpectedEnd {
                needed: 2,
                remaining: 1
            })
        );
        assert_eq!(
            compact(&[]),
            Err(DecodeError::UnexpectedEnd {
                needed: 1,
                remaining: 0
            })
        );
    }

    #[test]
    fn a_count_larger_than_the_input_fails_before_allocating() {
        // 25 million items of at least 41 bytes in a 9-byte input.
        let bytes = [0xfe, 0x00, 0x00, 0x80, 0x01, 0, 0, 0, 0];
        let mut r = Reader::new(&bytes);
        assert!(matches!(
            r.read_count("inputs", 41),
            Err(DecodeError::TooManyItems {
                count: 0x0180_0000,
                ..
            })
        ));
    }
}
