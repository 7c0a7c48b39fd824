//! Mnemonic phrases (BIP39): a seed you can write down.
//!
//! A wallet's seed starts as 128 to 256 random bits of *entropy*. BIP39 appends a checksum
//! (the first `bits / 32` bits of its SHA-256), cuts the result into 11-bit groups and
//! writes each as a word from a list of 2,048: 12 words for 128 bits, 24 for 256. A
//! mistyped word is then caught by the checksum before it costs anything.
//!
//! The seed itself is `PBKDF2-HMAC-SHA512(phrase, "mnemonic" || passphrase, 2048)`: the
//! 2,048 rounds slow down guessing, and the optional passphrase makes the same words open
//! a different wallet. Phrase and passphrase are first normalised to Unicode NFKD, so that
//! an accented French word typed as one character (`é`) or as a letter plus a combining
//! accent gives the same seed. The French list's words differ in their first four letters
//! once accents are removed, so a user may type them without accents: sou accepts that
//! too, as other wallets do.
//!
//! References: BIP39 "Generating the mnemonic", "From mnemonic to seed", "Wordlists";
//! bitcoin/bips `bip-0039/french.txt`.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use sha2::{Digest, Sha256, Sha512};
use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, Zeroizing};

use crate::Error;

/// A wordlist language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// The English list.
    English,
    /// The French list (words stored in NFKD).
    French,
}

impl Language {
    /// Every language sou ships.
    pub const ALL: [Language; 2] = [Language::English, Language::French];

    /// The 2,048 words, in order.
    pub fn words(self) -> &'static [&'static str] {
        &self.list().words
    }

    fn list(self) -> &'static WordList {
        static ENGLISH: OnceLock<WordList> = OnceLock::new();
        static FRENCH: OnceLock<WordList> = OnceLock::new();
        match self {
            Language::English => {
                ENGLISH.get_or_init(|| WordList::new(include_str!("bip39/english.txt")))
            }
            Language::French => {
                FRENCH.get_or_init(|| WordList::new(include_str!("bip39/french.txt")))
            }
        }
    }

    /// The index of `word`, given in any Unicode normalisation, with or without accents.
    pub fn index_of(self, word: &str) -> Option<u16> {
        let list = self.list();
        let nfkd: String = word.nfkd().collect();
        list.index
            .get(nfkd.as_str())
            .or_else(|| list.unaccented.get(&strip_accents(&nfkd)))
            .copied()
    }
}

struct WordList {
    words: Vec<&'static str>,
    index: HashMap<&'static str, u16>,
    unaccented: HashMap<String, u16>,
}

impl WordList {
    fn new(text: &'static str) -> WordList {
        let words: Vec<&'static str> = text.lines().collect();
        let mut index = HashMap::with_capacity(words.len());
        let mut unaccented = HashMap::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            // 2,048 words: every position fits in a u16.
            let i = u16::try_from(i).unwrap_or(u16::MAX);
            index.insert(*w, i);
            unaccented.insert(strip_accents(w), i);
        }
        WordList {
            words,
            index,
            unaccented,
        }
    }
}

/// Drops the combining marks of an NFKD string (U+0300..U+036F).
fn strip_accents(nfkd: &str) -> String {
    nfkd.chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect()
}

/// A valid mnemonic: words whose checksum matches.
#[derive(Clone, PartialEq, Eq)]
pub struct Mnemonic {
    language: Language,
    entropy: Zeroizing<Vec<u8>>,
}

/// A 64-byte BIP39 seed, erased when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Seed(Zeroizing<[u8; 64]>);

impl Seed {
    /// The 64 bytes (the input of BIP32's master key).
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Seed(<redacted>)")
    }
}

impl Mnemonic {
    /// The mnemonic of `entropy` (16, 20, 24, 28 or 32 bytes).
    pub fn from_entropy(entropy: &[u8], language: Language) -> Result<Mnemonic, Error> {
        if !matches!(entropy.len(), 16 | 20 | 24 | 28 | 32) {
            return Err(Error::InvalidEntropyLength {
                bits: entropy.len() * 8,
            });
        }
        Ok(Mnemonic {
            language,
            entropy: Zeroizing::new(entropy.to_vec()),
        })
    }

    /// A new mnemonic of `words` words (12, 15, 18, 21 or 24) from the operating system's
    /// random source.
    pub fn generate(words: usize, language: Language) -> Result<Mnemonic, Error> {
        if !matches!(words, 12 | 15 | 18 | 21 | 24) {
            return Err(Error::InvalidWordCount { count: words });
        }
        let mut entropy = Zeroizing::new(vec![0u8; words * 4 / 3]);
        getrandom::getrandom(&mut entropy).map_err(|_| Error::NoRandomness)?;
        Mnemonic::from_entropy(&entropy, language)
    }

    /// Parses a phrase in a given language, naming the first unknown word or a bad checksum.
    pub fn parse_in(language: Language, phrase: &str) -> Result<Mnemonic, Error> {
        let words: Vec<&str> = phrase.split_whitespace().collect();
        if !matches!(words.len(), 12 | 15 | 18 | 21 | 24) {
            return Err(Error::InvalidWordCount { count: words.len() });
        }
        // Concatenate the 11-bit indices, then split entropy from checksum.
        let mut bits = Zeroizing::new(Vec::with_capacity(words.len() * 11));
        for (position, word) in words.iter().enumerate() {
            let index = language.index_of(word).ok_or_else(|| Error::UnknownWord {
                word: (*word).to_owned(),
                position: position + 1,
            })?;
            bits.extend((0..11).rev().map(|b| (index >> b) & 1 == 1));
        }
        let checksum_bits = words.len() * 11 / 33;
        let entropy_bits = bits.len() - checksum_bits;
        let mut entropy = Zeroizing::new(vec![0u8; entropy_bits / 8]);
        for (i, &bit) in bits[..entropy_bits].iter().enumerate() {
            entropy[i / 8] |= u8::from(bit) << (7 - i % 8);
        }
        let mnemonic = Mnemonic { language, entropy };
        if mnemonic.checksum_bits().as_slice() != &bits[entropy_bits..] {
            return Err(Error::MnemonicChecksum);
        }
        Ok(mnemonic)
    }

    /// Parses a phrase in whichever shipped language makes it valid.
    pub fn parse(phrase: &str) -> Result<Mnemonic, Error> {
        let mut first_error = None;
        for language in Language::ALL {
            match Mnemonic::parse_in(language, phrase) {
                Ok(m) => return Ok(m),
                Err(e) => {
                    // Report the language that got furthest: a checksum error beats an
                    // unknown word, a later unknown word beats an earlier one.
                    let better = match (&first_error, &e) {
                        (None, _) => true,
                        (
                            Some(Error::UnknownWord { position: a, .. }),
                            Error::UnknownWord { position: b, .. },
                        ) => b > a,
                        (Some(Error::UnknownWord { .. }), Error::MnemonicChecksum) => true,
                        _ => false,
                    };
                    if better {
                        first_error = Some(e);
                    }
                }
            }
        }
        Err(first_error.unwrap_or(Error::InvalidWordCount { count: 0 }))
    }

    fn checksum_bits(&self) -> Vec<bool> {
        let hash = Sha256::digest(self.entropy.as_slice());
        let n = self.entropy.len() * 8 / 32;
        (0..n)
            .map(|i| (hash[i / 8] >> (7 - i % 8)) & 1 == 1)
            .collect()
    }

    /// The language.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The entropy.
    pub fn entropy(&self) -> &[u8] {
        &self.entropy
    }

    /// The words, as in the word list (NFKD).
    pub fn words(&self) -> Vec<&'static str> {
        let mut bits: Vec<bool> = self
            .entropy
            .iter()
            .flat_map(|byte| (0..8).rev().map(move |b| (byte >> b) & 1 == 1))
            .collect();
        bits.extend(self.checksum_bits());
        let list = self.language.words();
        let words = bits
            .chunks_exact(11)
            .map(|chunk| {
                list[chunk
                    .iter()
                    .fold(0usize, |acc, &b| (acc << 1) | usize::from(b))]
            })
            .collect();
        bits.zeroize();
        words
    }

    /// The phrase: words separated by single spaces.
    pub fn phrase(&self) -> Zeroizing<String> {
        Zeroizing::new(self.words().join(" "))
    }

    /// The seed for `passphrase` (empty for none): PBKDF2-HMAC-SHA512, 2048 rounds.
    pub fn to_seed(&self, passphrase: &str) -> Seed {
        let phrase: Zeroizing<String> = Zeroizing::new(self.phrase().nfkd().collect());
        let salt: Zeroizing<String> =
            Zeroizing::new(format!("mnemonic{}", passphrase.nfkd().collect::<String>()));
        let mut seed = Zeroizing::new([0u8; 64]);
        pbkdf2::pbkdf2_hmac::<Sha512>(phrase.as_bytes(), salt.as_bytes(), 2048, seed.as_mut());
        Seed(seed)
    }
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Mnemonic({:?}, {} words, <redacted>)",
            self.language,
            self.entropy.len() * 3 / 4
        )
    }
}
