//! A v2 session's keys, and the packets they seal.
//!
//! Both sides send a public key encoded by ElligatorSwift (64 bytes that look random),
//! compute the same 32-byte secret by x-only Diffie-Hellman, and stretch it with
//! HKDF-SHA256 into everything the session needs: a key per direction for lengths and
//! one for contents, a garbage terminator per direction, and the session id, which the
//! two users can compare out of band to detect a man in the middle.
//!
//! A packet is `length (3, encrypted) || header (1) || contents || tag (16)`, the header
//! and contents sealed together; the header's high bit marks a decoy that the receiver
//! drops ([`IGNORE_BIT`]).
//!
//! References: BIP324 "Shared secret computation", "Keys and session ID derivation",
//! "Packet encryption"; Core src/bip324.cpp (`BIP324Cipher`).

use hkdf::Hkdf;
use secp256k1::ellswift::{ElligatorSwift, Party};
use secp256k1::SecretKey;
use sha2::Sha256;

use super::fschacha::{BadTag, FsChaCha20, FsChaCha20Poly1305, TAG_LEN};

/// The encrypted length's size.
pub const LENGTH_LEN: usize = 3;
/// The header's size (one byte of flags).
pub const HEADER_LEN: usize = 1;
/// How many bytes a packet adds to its contents: length, header, tag.
pub const EXPANSION: usize = LENGTH_LEN + HEADER_LEN + TAG_LEN;
/// The header flag of a decoy packet, which the receiver authenticates and drops.
pub const IGNORE_BIT: u8 = 0x80;
/// A garbage terminator's size.
pub const GARBAGE_TERMINATOR_LEN: usize = 16;

/// The 32-byte secret both sides compute from their keys (BIP324 `v2_ecdh`):
/// `SHA256_tagged("bip324_ellswift_xonly_ecdh", ell_initiator || ell_responder || x)`,
/// where `x` is the x coordinate of our secret key times their point. The curve work is
/// libsecp256k1's `secp256k1_ellswift_xdh`.
pub fn ecdh_secret(
    secret_key: &SecretKey,
    ours: &[u8; 64],
    theirs: &[u8; 64],
    initiator: bool,
) -> [u8; 32] {
    let ours = ElligatorSwift::from_array(*ours);
    let theirs = ElligatorSwift::from_array(*theirs);
    let (initiator_key, responder_key, party) = if initiator {
        (ours, theirs, Party::Initiator)
    } else {
        (theirs, ours, Party::Responder)
    };
    ElligatorSwift::shared_secret(initiator_key, responder_key, *secret_key, party, None)
        .to_secret_bytes()
}

/// The keys of one v2 session, as one side holds them (Core `BIP324Cipher`).
pub struct Bip324Cipher {
    send_lengths: FsChaCha20,
    recv_lengths: FsChaCha20,
    send_contents: FsChaCha20Poly1305,
    recv_contents: FsChaCha20Poly1305,
    session_id: [u8; 32],
    send_garbage_terminator: [u8; GARBAGE_TERMINATOR_LEN],
    recv_garbage_terminator: [u8; GARBAGE_TERMINATOR_LEN],
}

impl Bip324Cipher {
    /// The session of the side that holds `secret_key` (whose encoding is `ours`), with a
    /// peer that sent `theirs`, on the network whose message start is `magic`.
    pub fn new(
        secret_key: &SecretKey,
        ours: &[u8; 64],
        theirs: &[u8; 64],
        initiator: bool,
        magic: [u8; 4],
    ) -> Bip324Cipher {
        let secret = ecdh_secret(secret_key, ours, theirs, initiator);
        Bip324Cipher::from_shared_secret(&secret, initiator, magic)
    }

    /// The session derived from the ECDH secret (BIP324 `initialize_v2_transport`).
    ///
    /// HKDF-SHA256 with salt `"bitcoin_v2_shared_secret" || magic`, then one 32-byte
    /// expansion per label. The initiator sends with the `initiator_*` keys and the first
    /// half of `garbage_terminators`; the responder with the others. The same secret with
    /// the other role gives the peer's cipher, which is how the tests decrypt.
    pub fn from_shared_secret(secret: &[u8; 32], initiator: bool, magic: [u8; 4]) -> Bip324Cipher {
        let mut salt = b"bitcoin_v2_shared_secret".to_vec();
        salt.extend_from_slice(&magic);
        let hkdf = Hkdf::<Sha256>::new(Some(&salt), secret);
        let expand = |label: &str| {
            let mut okm = [0u8; 32];
            hkdf.expand(label.as_bytes(), &mut okm)
                .expect("32 bytes is below HKDF-SHA256's 8,160-byte limit");
            okm
        };
        let initiator_l = expand("initiator_L");
        let initiator_p = expand("initiator_P");
        let responder_l = expand("responder_L");
        let responder_p = expand("responder_P");
        let terminators = expand("garbage_terminators");
        let mut first = [0u8; GARBAGE_TERMINATOR_LEN];
        let mut second = [0u8; GARBAGE_TERMINATOR_LEN];
        first.copy_from_slice(&terminators[..GARBAGE_TERMINATOR_LEN]);
        second.copy_from_slice(&terminators[GARBAGE_TERMINATOR_LEN..]);
        let (send_l, send_p, recv_l, recv_p, send_gt, recv_gt) = if initiator {
            (
                initiator_l,
                initiator_p,
                responder_l,
                responder_p,
                first,
                second,
            )
        } else {
            (
                responder_l,
                responder_p,
                initiator_l,
                initiator_p,
                second,
                first,
            )
        };
        Bip324Cipher {
            send_lengths: FsChaCha20::new(send_l),
            recv_lengths: FsChaCha20::new(recv_l),
            send_contents: FsChaCha20Poly1305::new(send_p),
            recv_contents: FsChaCha20Poly1305::new(recv_p),
            session_id: expand("session_id"),
            send_garbage_terminator: send_gt,
            recv_garbage_terminator: recv_gt,
        }
    }

    /// The session id both sides share (getpeerinfo's `session_id`).
    pub fn session_id(&self) -> [u8; 32] {
        self.session_id
    }

    /// The 16 bytes we send after our garbage.
    pub fn send_garbage_terminator(&self) -> [u8; GARBAGE_TERMINATOR_LEN] {
        self.send_garbage_terminator
    }

    /// The 16 bytes that end the peer's garbage.
    pub fn recv_garbage_terminator(&self) -> [u8; GARBAGE_TERMINATOR_LEN] {
        self.recv_garbage_terminator
    }

    /// Seals one packet (BIP324 `v2_enc_packet`): `contents` of at most 2^24 - 1 bytes,
    /// authenticated with `aad`, a decoy if `ignore`. Returns `contents.len() +`
    /// [`EXPANSION`] bytes.
    pub fn encrypt(&mut self, contents: &[u8], aad: &[u8], ignore: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(contents.len() + EXPANSION);
        // The length is a 24-bit field; sou's largest contents are a 4 MB block.
        let length = u32::try_from(contents.len()).unwrap_or(u32::MAX);
        let mut length_bytes = [0u8; LENGTH_LEN];
        length_bytes.copy_from_slice(&length.to_le_bytes()[..LENGTH_LEN]);
        self.send_lengths.crypt(&mut length_bytes);
        out.extend_from_slice(&length_bytes);
        let mut plaintext = Vec::with_capacity(HEADER_LEN + contents.len());
        plaintext.push(if ignore { IGNORE_BIT } else { 0 });
        plaintext.extend_from_slice(contents);
        self.send_contents.encrypt(aad, &plaintext, &mut out);
        out
    }

    /// Decrypts the first 3 bytes of a packet: the length of its contents. Call it
    /// exactly once per packet, in order.
    pub fn decrypt_length(&mut self, encrypted: [u8; LENGTH_LEN]) -> u32 {
        let mut bytes = encrypted;
        self.recv_lengths.crypt(&mut bytes);
        u32::from(bytes[0]) | u32::from(bytes[1]) << 8 | u32::from(bytes[2]) << 16
    }

    /// Opens the rest of a packet (header, contents, tag; everything after the length)
    /// with `aad`: whether it is a decoy, and its contents.
    pub fn decrypt(&mut self, input: &[u8], aad: &[u8]) -> Result<(bool, Vec<u8>), BadTag> {
        let mut plaintext = self.recv_contents.decrypt(aad, input)?;
        let Some(&header) = plaintext.first() else {
            return Err(BadTag);
        };
        plaintext.remove(0);
        Ok((header & IGNORE_BIT == IGNORE_BIT, plaintext))
    }
}

impl std::fmt::Debug for Bip324Cipher {
    /// Shows the session id only: the keys stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bip324Cipher")
            .field("session_id", &self.session_id)
            .finish_non_exhaustive()
    }
}
