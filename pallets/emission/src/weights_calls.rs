//! The weights calls: set, commit, reveal; and root's emission shares.

use crate::{
	Commits, Config, Error, Event, NetUid, Pallet, Permits, SharesOf, SubnetShares, Uid, Weights,
	WeightsOf, WeightsSetAt,
};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get};
use inferchain_primitives::{EpochParams, SubnetRegistry};
use sp_core::H256;
use sp_runtime::{traits::Saturating, Perbill};

/// The hash a commit must equal: [`inferchain_inference::weights_commitment`]
/// (`blake2_256(SCALE((hotkey, netuid, uids, values, salt, version_key)))`), the function the
/// validator worker commits with.
pub fn commit_hash<AccountId: Encode>(
	hotkey: &AccountId,
	netuid: NetUid,
	uids: &[Uid],
	values: &[u16],
	salt: u64,
	version_key: u64,
) -> H256 {
	H256(inferchain_inference::weights_commitment(
		hotkey,
		netuid.0,
		uids,
		values,
		salt,
		version_key,
	))
}

impl<T: Config> Pallet<T> {
	pub(crate) fn do_set_weights(
		hotkey: T::AccountId,
		netuid: NetUid,
		uids: Vec<Uid>,
		values: Vec<u16>,
		version_key: u64,
	) -> DispatchResult {
		let params = T::Subnets::epoch_params(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		ensure!(!params.commit_reveal, Error::<T>::CommitRevealRequired);
		ensure!(version_key >= params.weights_version, Error::<T>::WeightsVersionTooOld);
		let uid = Self::permitted_uid(&hotkey, netuid, &params)?;
		Self::store_weights(netuid, uid, uids, values)?;
		Self::deposit_event(Event::WeightsSet { netuid, uid });
		Ok(())
	}

	pub(crate) fn do_commit_weights(
		hotkey: T::AccountId,
		netuid: NetUid,
		commit: H256,
	) -> DispatchResult {
		let params = T::Subnets::epoch_params(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		ensure!(params.commit_reveal, Error::<T>::CommitRevealDisabled);
		let uid = Self::permitted_uid(&hotkey, netuid, &params)?;
		let now = frame_system::Pallet::<T>::block_number();
		Commits::<T>::insert(netuid, &hotkey, (commit, now));
		Self::deposit_event(Event::WeightsCommitted { netuid, uid, commit });
		Ok(())
	}

	pub(crate) fn do_reveal_weights(
		hotkey: T::AccountId,
		netuid: NetUid,
		uids: Vec<Uid>,
		values: Vec<u16>,
		salt: u64,
		version_key: u64,
	) -> DispatchResult {
		let params = T::Subnets::epoch_params(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		ensure!(params.commit_reveal, Error::<T>::CommitRevealDisabled);
		ensure!(version_key >= params.weights_version, Error::<T>::WeightsVersionTooOld);
		let (commit, committed_at) =
			Commits::<T>::get(netuid, &hotkey).ok_or(Error::<T>::NoCommit)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			now >= committed_at.saturating_add(params.reveal_period.into()),
			Error::<T>::RevealTooEarly
		);
		ensure!(
			commit_hash(&hotkey, netuid, &uids, &values, salt, version_key) == commit,
			Error::<T>::RevealDoesNotMatchCommit
		);
		let uid = Self::permitted_uid(&hotkey, netuid, &params)?;
		Self::store_weights(netuid, uid, uids, values)?;
		Commits::<T>::remove(netuid, &hotkey);
		Self::deposit_event(Event::WeightsRevealed { netuid, uid });
		Ok(())
	}

	pub(crate) fn do_set_subnet_shares(shares: Option<SharesOf<T>>) -> DispatchResult {
		if let Some(shares) = &shares {
			let mut total = Perbill::zero();
			let mut seen = Vec::with_capacity(shares.len());
			for (netuid, share) in shares.iter() {
				ensure!(!seen.contains(netuid), Error::<T>::InvalidShares);
				seen.push(*netuid);
				ensure!(
					total.deconstruct().saturating_add(share.deconstruct())
						<= Perbill::one().deconstruct(),
					Error::<T>::InvalidShares
				);
				total = total.saturating_add(*share);
			}
		}
		match &shares {
			Some(shares) => SubnetShares::<T>::put(shares),
			None => SubnetShares::<T>::kill(),
		}
		Self::deposit_event(Event::SubnetSharesSet { shares });
		Ok(())
	}

	/// The UID of `hotkey` on `netuid` if it holds a permit and is past its rate limit.
	fn permitted_uid(
		hotkey: &T::AccountId,
		netuid: NetUid,
		params: &EpochParams,
	) -> Result<Uid, Error<T>> {
		let uid = T::Subnets::uid_of(netuid, hotkey).ok_or(Error::<T>::HotkeyNotRegistered)?;
		let permitted = Permits::<T>::get(netuid).get(usize::from(uid)).copied().unwrap_or(false);
		ensure!(permitted, Error::<T>::NoValidatorPermit);
		if let Some(set_at) = WeightsSetAt::<T>::get(netuid, uid) {
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				now >= set_at.saturating_add(params.weights_rate_limit.into()),
				Error::<T>::WeightsRateLimited
			);
		}
		Ok(uid)
	}

	/// Checks and stores a validator's weights.
	fn store_weights(netuid: NetUid, uid: Uid, uids: Vec<Uid>, values: Vec<u16>) -> DispatchResult {
		ensure!(uids.len() == values.len(), Error::<T>::LengthMismatch);
		let in_use = T::Subnets::occupied(netuid);
		ensure!(uids.len() <= in_use.len(), Error::<T>::TooManyWeights);
		let mut sorted = uids.clone();
		sorted.sort_unstable();
		ensure!(
			sorted.windows(2).all(|pair| pair.first() != pair.last()),
			Error::<T>::DuplicateUid
		);
		ensure!(
			uids.iter().all(|j| in_use.get(usize::from(*j)).copied().unwrap_or(false)),
			Error::<T>::UidNotFound
		);
		let mut row: Vec<(Uid, u16)> = uids.into_iter().zip(values).collect();
		row.sort_unstable_by_key(|(j, _)| *j);
		let max = usize::try_from(T::MaxUids::get()).unwrap_or(usize::MAX);
		ensure!(row.len() <= max, Error::<T>::TooManyWeights);
		Weights::<T>::insert(netuid, uid, WeightsOf::<T>::from_pairs(row));
		WeightsSetAt::<T>::insert(netuid, uid, frame_system::Pallet::<T>::block_number());
		Ok(())
	}
}
