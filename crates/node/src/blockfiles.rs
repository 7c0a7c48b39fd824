//! Block files: every block the node accepted, in arrival order, in `blocks/blk?????.dat`.
//!
//! Bitcoin Core appends each block it accepts to the current block file as a record:
//!
//! ```text
//!   magic (4 bytes, the network's message start)  size (4 bytes, little endian)  block (size bytes)
//! ```
//!
//! and starts a new file (`blk00001.dat`, ...) when the next record would pass 128 MiB
//! (64 KiB with `-fastprune`). The files are the node's raw material: `-reindex` rebuilds
//! everything else from them, `-loadblock` and Core's `linearize` tools read the same
//! framing, and after a crash the blocks written since the last database flush are read
//! back from them. Core pads its files with zeros (it pre-allocates space), so readers skip
//! zero bytes between records; sou does not pad but reads Core's files the same way.
//!
//! References: Core `src/node/blockstorage.cpp` (`WriteBlock`, `ReadBlock`,
//! `FindNextBlockPos`), `src/node/blockstorage.h` (`MAX_BLOCKFILE_SIZE`),
//! `contrib/linearize/linearize-data.py`.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sou_primitives::encoding::deserialize;
use sou_primitives::Block;

/// Core's largest block file (`MAX_BLOCKFILE_SIZE`): 128 MiB.
pub const MAX_BLOCKFILE_SIZE: u64 = 0x800_0000;
/// The largest block file with `-fastprune` (Core's `0x10000`).
pub const FASTPRUNE_BLOCKFILE_SIZE: u64 = 0x1_0000;
/// The largest record a reader accepts: a block of 4,000,000 bytes, Core's
/// `MAX_BLOCK_SERIALIZED_SIZE`; a larger size field is damage, not a block.
const MAX_RECORD: u32 = 4_000_000;
/// Magic and size before each block.
const RECORD_HEADER: u64 = 8;

/// The block of the record at `offset` in `bytes` and the record's length, if a whole,
/// decodable record is there.
fn record_at(bytes: &[u8], offset: usize, magic: [u8; 4]) -> Option<(Block, usize)> {
    let header = bytes.get(offset..offset.checked_add(8)?)?;
    if header[..4] != magic {
        return None;
    }
    let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    if size > MAX_RECORD {
        return None;
    }
    let body = bytes.get(offset + 8..offset + 8 + size as usize)?;
    let block = deserialize::<Block>(body).ok()?;
    Some((block, 8 + size as usize))
}

/// The blocks of a file in Core's framing (`-loadblock`, a `linearize` output): whole
/// records in order, zero padding skipped, the first damaged record ending the read.
pub fn parse_records(bytes: &[u8], magic: [u8; 4]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut offset = 0;
    while offset < bytes.len() {
        if bytes[offset] == 0 {
            offset += 1;
            continue;
        }
        match record_at(bytes, offset, magic) {
            Some((block, len)) => {
                blocks.push(block);
                offset += len;
            }
            None => break,
        }
    }
    blocks
}

/// Where a block's record starts: file number and byte offset of the magic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FilePos {
    /// The `N` of `blkN.dat`.
    pub file: u32,
    /// Offset of the record (its magic) in the file.
    pub offset: u64,
}

/// A failure reading or writing block files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlockFileError {
    /// The operating system refused a read or write.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A record that is not what the index says is there.
    #[error("{path} at offset {offset}: {what}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Where.
        offset: u64,
        /// What is wrong.
        what: String,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BlockFileError + '_ {
    move |source| BlockFileError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The block files of one data directory: appends new blocks, reads any block back.
#[derive(Debug)]
pub struct BlockFiles {
    dir: PathBuf,
    magic: [u8; 4],
    max_file_size: u64,
    /// The file being appended to, its number and length.
    current: u32,
    current_len: u64,
    writer: Option<File>,
    /// Files written since the last [`BlockFiles::sync`].
    unsynced: Vec<u32>,
}

impl BlockFiles {
    /// The block files in `dir` (created if needed), appending after `end`: the end of the
    /// last record the database knows about. Anything after it (a record written before a
    /// crash, or half of one) is left for [`BlockFiles::records_after`] to read back and
    /// [`BlockFiles::truncate`] to cut.
    pub fn open(
        dir: &Path,
        magic: [u8; 4],
        fastprune: bool,
        end: FilePos,
    ) -> Result<BlockFiles, BlockFileError> {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        Ok(BlockFiles {
            dir: dir.to_path_buf(),
            magic,
            max_file_size: if fastprune {
                FASTPRUNE_BLOCKFILE_SIZE
            } else {
                MAX_BLOCKFILE_SIZE
            },
            current: end.file,
            current_len: end.offset,
            writer: None,
            unsynced: Vec::new(),
        })
    }

    /// The path of `blkNNNNN.dat`.
    pub fn path(&self, file: u32) -> PathBuf {
        self.dir.join(format!("blk{file:05}.dat"))
    }

    /// Where the next record will be written: the end of the data in use.
    pub fn end(&self) -> FilePos {
        FilePos {
            file: self.current,
            offset: self.current_len,
        }
    }

    /// Bytes in all block files.
    pub fn total_size(&self) -> u64 {
        (0..=self.current)
            .filter_map(|n| std::fs::metadata(self.path(n)).ok())
            .map(|m| m.len())
            .sum()
    }

    /// Appends a block's record (its consensus bytes) and returns where it starts.
    pub fn append(&mut self, block_bytes: &[u8]) -> Result<FilePos, BlockFileError> {
        let size = u32::try_from(block_bytes.len())
            .ok()
            .filter(|s| *s <= MAX_RECORD)
            .ok_or_else(|| BlockFileError::Corrupt {
                path: self.path(self.current),
                offset: self.current_len,
                what: format!("a block of {} bytes is too large", block_bytes.len()),
            })?;
        let record_len = RECORD_HEADER + u64::from(size);
        // A new file when this record would pass the limit (an empty file takes any block).
        if self.current_len > 0 && self.current_len + record_len > self.max_file_size {
            self.writer = None;
            self.current += 1;
            self.current_len = 0;
        }
        let pos = self.end();
        let path = self.path(self.current);
        if self.writer.is_none() {
            let mut file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(io_error(&path))?;
            // Writes go at the end of the data in use, past nothing stale: the tail after
            // it was cut by `truncate` when the node started.
            file.seek(SeekFrom::Start(self.current_len))
                .map_err(io_error(&path))?;
            self.writer = Some(file);
        }
        let mut record = Vec::with_capacity(block_bytes.len() + 8);
        record.extend_from_slice(&self.magic);
        record.extend_from_slice(&size.to_le_bytes());
        record.extend_from_slice(block_bytes);
        if let Some(file) = self.writer.as_mut() {
            file.write_all(&record).map_err(io_error(&path))?;
        }
        self.current_len += record_len;
        if !self.unsynced.contains(&self.current) {
            self.unsynced.push(self.current);
        }
        Ok(pos)
    }

    /// Forces every record written since the last call to the disk, so that the database
    /// may refer to them (Core flushes block files before it writes the index).
    pub fn sync(&mut self) -> Result<(), BlockFileError> {
        for file in std::mem::take(&mut self.unsynced) {
            let path = self.path(file);
            match (&self.writer, file == self.current) {
                (Some(writer), true) => writer.sync_data().map_err(io_error(&path))?,
                _ => File::open(&path)
                    .and_then(|f| f.sync_data())
                    .map_err(io_error(&path))?,
            }
        }
        Ok(())
    }

    /// Reads the block whose record starts at `pos`.
    pub fn read(&self, pos: FilePos) -> Result<Block, BlockFileError> {
        let path = self.path(pos.file);
        let mut file = File::open(&path).map_err(io_error(&path))?;
        file.seek(SeekFrom::Start(pos.offset))
            .map_err(io_error(&path))?;
        let corrupt = |what: &str| BlockFileError::Corrupt {
            path: path.clone(),
            offset: pos.offset,
            what: what.to_string(),
        };
        let mut header = [0u8; 8];
        file.read_exact(&mut header)
            .map_err(|_| corrupt("the record header is cut short"))?;
        if header[..4] != self.magic {
            return Err(corrupt("no network magic where a block should start"));
        }
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        if size > MAX_RECORD {
            return Err(corrupt("a record larger than any block"));
        }
        let mut bytes = vec![0u8; size as usize];
        file.read_exact(&mut bytes)
            .map_err(|_| corrupt("the block is cut short"))?;
        deserialize::<Block>(&bytes)
            .map_err(|e| corrupt(&format!("the block does not decode: {e}")))
    }

    /// Every complete record from `start` to the end of the last file, with where each
    /// starts, and the end of the last complete one (where a half-written record begins,
    /// if any). Zero padding between records is skipped, as in Core's files; bytes that
    /// are neither padding nor a record end the scan (a crash mid-write).
    pub fn records_after(
        &self,
        start: FilePos,
    ) -> Result<(Vec<(FilePos, Block)>, FilePos), BlockFileError> {
        let mut found = Vec::new();
        let mut end = start;
        let mut file_number = start.file;
        loop {
            let path = self.path(file_number);
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
                Err(e) => return Err(io_error(&path)(e)),
            };
            let mut offset = if file_number == start.file {
                usize::try_from(start.offset).unwrap_or(usize::MAX)
            } else {
                0
            };
            let mut damaged = false;
            while offset < bytes.len() {
                if bytes[offset] == 0 {
                    offset += 1;
                    continue;
                }
                let Some(record) = self.record_at(&bytes, offset) else {
                    damaged = true;
                    break;
                };
                let (block, len) = record;
                let pos = FilePos {
                    file: file_number,
                    offset: offset as u64,
                };
                found.push((pos, block));
                offset += len;
                end = FilePos {
                    file: file_number,
                    offset: offset as u64,
                };
            }
            if damaged {
                break;
            }
            file_number += 1;
        }
        Ok((found, end))
    }

    fn record_at(&self, bytes: &[u8], offset: usize) -> Option<(Block, usize)> {
        record_at(bytes, offset, self.magic)
    }

    /// Cuts the files after `end` (a half-written record, or records the node chose not
    /// to keep) and makes `end` the place the next record goes.
    pub fn truncate(&mut self, end: FilePos) -> Result<(), BlockFileError> {
        self.writer = None;
        let path = self.path(end.file);
        let len = std::fs::metadata(&path).map_or(0, |m| m.len());
        if len < end.offset {
            // Shorter than the database says: blocks it knows are gone. Never extend the
            // file with zeros to hide it.
            return Err(BlockFileError::Corrupt {
                path,
                offset: len,
                what: format!("the file ends before offset {}", end.offset),
            });
        }
        if path.exists() {
            let file = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(io_error(&path))?;
            file.set_len(end.offset).map_err(io_error(&path))?;
            file.sync_data().map_err(io_error(&path))?;
        }
        let mut later = end.file + 1;
        while self.path(later).exists() {
            let path = self.path(later);
            std::fs::remove_file(&path).map_err(io_error(&path))?;
            later += 1;
        }
        self.current = end.file;
        self.current_len = end.offset;
        Ok(())
    }
}
