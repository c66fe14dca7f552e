//! File digests: BLAKE2b-256 of a file's bytes, streamed (models are hundreds of MB), with
//! progress reports. Equal to `sp_crypto_hashing::blake2_256` of the whole file.

use crate::error::{EngineError, Result};
use inferchain_inference::Hash32;
use std::{io::Read, path::Path};

/// Bytes read per step.
const CHUNK: usize = 1 << 20;

/// Called with (bytes done, bytes in all) as a file is hashed.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// The BLAKE2b-256 digest of the file at `path`.
pub fn file_digest(path: &Path, progress: Progress<'_>) -> Result<Hash32> {
	let io = |source| EngineError::Io { path: path.to_path_buf(), source };
	let mut file = std::fs::File::open(path).map_err(io)?;
	let total = file.metadata().map_err(io)?.len();
	let mut state = blake2b_simd::Params::new().hash_length(32).to_state();
	let mut buffer = vec![0u8; CHUNK];
	let mut done = 0u64;
	loop {
		let read = file.read(&mut buffer).map_err(io)?;
		let Some(chunk) = buffer.get(..read).filter(|chunk| !chunk.is_empty()) else { break };
		state.update(chunk);
		done = done.saturating_add(read as u64);
		progress(done, total);
	}
	let mut digest = [0u8; 32];
	digest.copy_from_slice(state.finalize().as_bytes());
	Ok(digest)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn equals_the_runtime_hash_of_the_whole_file() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("weights");
		let bytes: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
		std::fs::write(&path, &bytes).unwrap();
		let mut calls = Vec::new();
		let digest = file_digest(&path, &mut |done, total| calls.push((done, total))).unwrap();
		assert_eq!(digest, sp_crypto_hashing::blake2_256(&bytes));
		assert_eq!(calls.last(), Some(&(bytes.len() as u64, bytes.len() as u64)));
		assert_eq!(calls.len(), 4);
	}

	#[test]
	fn a_missing_file_is_an_io_error() {
		let err = file_digest(Path::new("/nonexistent/weights"), &mut |_, _| {}).unwrap_err();
		assert!(matches!(err, EngineError::Io { .. }), "{err}");
	}
}
