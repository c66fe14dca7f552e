//! Randomness from the parent block's hash.

use core::marker::PhantomData;
use frame_support::traits::Randomness;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Hash, One, Saturating};

/// `random(subject) = hash(subject ‖ parent_hash)`, known from the block before the current
/// one. The pallet only draws in `on_initialize` for transactions of earlier blocks, so the
/// sender of a request, result or challenge cannot know the value when signing; the author of
/// the parent block could grind it (as with any hash-based source): runtimes with a VRF (BABE)
/// should plug that in instead.
pub struct ParentHashRandomness<T>(PhantomData<T>);

impl<T: frame_system::Config> Randomness<T::Hash, BlockNumberFor<T>> for ParentHashRandomness<T> {
	fn random(subject: &[u8]) -> (T::Hash, BlockNumberFor<T>) {
		let parent = frame_system::Pallet::<T>::parent_hash();
		let mut material = subject.to_vec();
		material.extend_from_slice(parent.as_ref());
		let known_since = frame_system::Pallet::<T>::block_number().saturating_sub(One::one());
		(T::Hashing::hash(&material), known_since)
	}
}
