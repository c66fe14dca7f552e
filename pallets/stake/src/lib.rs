//! # Stake pallet
//!
//! Coldkeys stake onto hotkeys, per subnet. Each `(netuid, hotkey)` has one **share pool**: the
//! hotkey owner's own stake and every delegator's are shares of it (see [`shares`]), so a reward
//! is one write that raises every position pro rata, and a slash is one write that lowers them.
//! The tokens of every pool sit in the pallet's account, which keeps the existential deposit
//! it got in genesis so it is never reaped.
//!
//! ## Calls (all signed by the coldkey)
//! - [`Pallet::add_stake`]: moves `amount` (≥ `MinStake`) from the coldkey into the pool of a
//!   hotkey registered on the subnet.
//! - [`Pallet::remove_stake`]: moves `amount` of the coldkey's position into the hotkey's
//!   unbonding pool; it stays slashable and becomes withdrawable after `UnbondingPeriod`.
//! - [`Pallet::withdraw_unbonded`]: pays out every due unbonding chunk of one hotkey.
//! - [`Pallet::move_stake`]: moves bonded stake between hotkeys (and subnets) without unbonding;
//!   refused while the source hotkey's work can still cost it stake (its exposure, as for
//!   withdrawals), so stake cannot flee a slash.
//! - [`Pallet::set_take`]: the hotkey's owner sets its take, at most `MaxTake`; increases at
//!   most once per `TakeIncreaseRateLimit` blocks, decreases any time.
//!
//! ## The stake ledger
//! Per subnet, in pages of [`LEDGER_PAGE`] UIDs, each registered UID's hotkey, its pool's stake
//! and the rewards it has **accrued** ([`LedgerEntry`], storage [`Ledger`]). An epoch reads
//! every UID's stake and pays every UID with one read and one write per page, where a pool
//! read, a pool write, the owner's and the take's reads and the owner's position write per UID
//! made the payout the larger part of a 4096-UID epoch. Accrued rewards count as stake at once
//! (`stake_of`, `uid_stakes`, permits, the RPC) and are **folded** into the pool, split with the
//! take as an immediate reward would be, when the pool is next touched (a stake call, a slash, a
//! take change, which folds on every subnet first so rewards are split at the take they were
//! earned under), when the hotkey leaves its UID, or, for a dissolved subnet, by `on_idle`
//! (stake cannot leave a dissolved subnet before that: [`Error::RewardsSettling`]). Until a
//! fold, `Pools` and `Positions` read over plain storage queries do not include them. The
//! subnets pallet tells the ledger of registrations through
//! [`inferchain_primitives::NeuronLifecycle`].
//!
//! ## For other pallets
//! [`inferchain_primitives::StakeInfo`] (stake per hotkey, per UID, per subnet, validator
//! permits: the top `max_validators` hotkeys by stake), [`inferchain_primitives::StakeRewards`]
//! (one reward with take, or every UID of a subnet through the ledger) and
//! [`inferchain_primitives::Slash`] (bonded and unbonding stake pro rata, accrued rewards
//! included, to a beneficiary or burned).
//!
//! ## Invariants (checked by `try_state`)
//! - The pallet account holds its existential deposit plus the stake of every bonded and
//!   unbonding pool and every accrued reward.
//! - `SubnetStake` of each subnet is the sum of its bonded pools and accrued rewards.
//! - The ledger has one entry per registered UID (and the entries of dissolved subnets not yet
//!   folded), naming the UID's hotkey and its pool's stake; no page ends in a vacancy.
//! - Each bonded pool's shares are the sum of its current-generation positions; each unbonding
//!   pool's shares the sum of its current-generation chunks.
//! - No empty pool, position or chunk list is stored.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod ledger;
#[cfg(test)]
mod mock;
mod payouts;
mod pools;
pub mod shares;
mod staking;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use inferchain_primitives::NetUid;
pub use types::*;
pub use weights::WeightInfo;

/// Registers hotkeys for the benchmarks (the stake pallet cannot register neurons itself).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Creates a subnet and registers `hotkey` of `coldkey` on it; returns the netuid.
	fn register_hotkey(coldkey: &AccountId, hotkey: &AccountId) -> NetUid;
}

// FRAME's pallet macros expand to `expect` calls spanned on this module, which clippy cannot tell
// from ours, so this module allows `expect_used`. It holds only declarations and one-line
// delegations; the logic lives in the other modules, where every lint applies.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use inferchain_primitives::SubnetRegistry;
	use sp_runtime::Perbill;

	/// Balance type of the staked currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// The unbonding chunks of one coldkey on one hotkey.
	pub type ChunksOf<T> =
		BoundedVec<UnbondingChunk<BlockNumberFor<T>>, <T as Config>::MaxUnbondingChunks>;

	/// The layout of this pallet's storage. A change to it raises this version and ships with a
	/// versioned migration from the last release's layout (see `releases/README.md`).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The staked currency.
		type Currency: Mutate<Self::AccountId>;
		/// Subnets and the hotkeys registered on them.
		type Subnets: SubnetRegistry<Self::AccountId>;
		/// Id of the account holding all stake.
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// Smallest `add_stake`/`move_stake` amount, and smallest position left by a removal.
		#[pallet::constant]
		type MinStake: Get<BalanceOf<Self>>;
		/// Least stake a hotkey with the validator role needs for a permit.
		#[pallet::constant]
		type MinValidatorStake: Get<BalanceOf<Self>>;
		/// Blocks between `remove_stake` and the earliest withdrawal.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;
		/// Most unbonding chunks a coldkey may have on one hotkey.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;
		/// Take of a hotkey whose owner never set one.
		#[pallet::constant]
		type DefaultTake: Get<Perbill>;
		/// Highest take.
		#[pallet::constant]
		type MaxTake: Get<Perbill>;
		/// Blocks between two take increases.
		#[pallet::constant]
		type TakeIncreaseRateLimit: Get<BlockNumberFor<Self>>;
		/// Most subnets (a take change settles the hotkey's rewards on each).
		#[pallet::constant]
		type MaxSubnets: Get<u32>;
		/// How much of a hotkey's stake backs open inference work (its requests, its panels):
		/// withdrawals and moves must leave at least that much of it, bonded and unbonding, within
		/// reach of a slash. `()` when nothing is ever exposed.
		type Exposure: inferchain_primitives::StakeExposure<Self::AccountId, BalanceOf<Self>>;
		/// Weights of this pallet's calls, generated by its benchmarks.
		type WeightInfo: WeightInfo;
		/// Registers hotkeys in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper<Self::AccountId>;
	}

	/// Bonded stake pool of each hotkey on each subnet.
	#[pallet::storage]
	pub type Pools<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		NetUid,
		Blake2_128Concat,
		T::AccountId,
		Pool<BalanceOf<T>>,
	>;

	/// Unbonding pool of each hotkey on each subnet (still slashable).
	#[pallet::storage]
	pub type UnbondingPools<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		NetUid,
		Blake2_128Concat,
		T::AccountId,
		Pool<BalanceOf<T>>,
	>;

	/// Shares each coldkey owns in each bonded pool, keyed `(netuid, hotkey, coldkey)`.
	#[pallet::storage]
	pub type Positions<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, NetUid>,
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		Position,
	>;

	/// Unbonding chunks, keyed `(coldkey, netuid, hotkey)`.
	#[pallet::storage]
	pub type Unbonding<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Twox64Concat, NetUid>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		ChunksOf<T>,
	>;

	/// Bonded stake on each subnet (sum of its pools).
	#[pallet::storage]
	pub type SubnetStake<T: Config> = StorageMap<_, Twox64Concat, NetUid, BalanceOf<T>, ValueQuery>;

	/// Takes set by hotkey owners (absent: `DefaultTake`).
	#[pallet::storage]
	pub type Takes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Take<BlockNumberFor<T>>>;

	/// A page of a subnet's stake ledger: the entries of UIDs `page × LEDGER_PAGE` onwards,
	/// `None` for a vacant UID (trailing vacancies are not stored).
	pub type LedgerPageOf<T> = BoundedVec<
		Option<LedgerEntry<<T as frame_system::Config>::AccountId, BalanceOf<T>>>,
		ConstU32<{ LEDGER_PAGE as u32 }>,
	>;

	/// Each subnet's stake ledger, keyed `(netuid, page)`: per registered UID its hotkey, the
	/// stake of its pool and its accrued rewards (see [`LedgerEntry`]).
	#[pallet::storage]
	pub type Ledger<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Twox64Concat, u16, LedgerPageOf<T>, ValueQuery>;

	/// Dissolved subnets whose ledger `on_idle` is still folding into their pools.
	#[pallet::storage]
	pub type SettlingSubnets<T> = StorageMap<_, Twox64Concat, NetUid, ()>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::endow_account();
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `coldkey` staked `amount` onto `hotkey` on `netuid`.
		StakeAdded {
			coldkey: T::AccountId,
			hotkey: T::AccountId,
			netuid: NetUid,
			amount: BalanceOf<T>,
		},
		/// `coldkey` started unbonding `amount` from `hotkey` on `netuid`.
		StakeUnbonding {
			coldkey: T::AccountId,
			hotkey: T::AccountId,
			netuid: NetUid,
			amount: BalanceOf<T>,
			unlocks_at: BlockNumberFor<T>,
		},
		/// `coldkey` withdrew `amount` of unbonded stake from `hotkey` on `netuid`.
		Withdrawn {
			coldkey: T::AccountId,
			hotkey: T::AccountId,
			netuid: NetUid,
			amount: BalanceOf<T>,
		},
		/// `coldkey` moved `amount` of bonded stake between hotkeys.
		StakeMoved {
			coldkey: T::AccountId,
			from_hotkey: T::AccountId,
			from_netuid: NetUid,
			to_hotkey: T::AccountId,
			to_netuid: NetUid,
			amount: BalanceOf<T>,
		},
		/// The owner of `hotkey` set its take.
		TakeSet { hotkey: T::AccountId, take: Perbill },
		/// The accrued rewards of dissolved `netuid` are all in their pools; its ledger is gone.
		LedgerSettled { netuid: NetUid },
		/// `amount` of `hotkey`'s stake on `netuid` (bonded and unbonding) was slashed.
		StakeSlashed {
			netuid: NetUid,
			hotkey: T::AccountId,
			amount: BalanceOf<T>,
			target: inferchain_primitives::SlashTarget<T::AccountId>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is below `MinStake`.
		StakeBelowMinimum,
		/// The hotkey holds no UID on the subnet (or the subnet was dissolved).
		HotkeyNotRegistered,
		/// The coldkey cannot pay the amount from its free balance.
		InsufficientBalance,
		/// The coldkey's position on the hotkey is smaller than the amount.
		InsufficientStake,
		/// The removal would leave a position below `MinStake` (remove all of it instead).
		RemainingStakeBelowMinimum,
		/// The amount buys no share at the pool's price.
		AmountTooSmall,
		/// The coldkey already has `MaxUnbondingChunks` chunks on this hotkey.
		TooManyUnbondingChunks,
		/// No unbonding chunk of this hotkey is due yet.
		NothingToWithdraw,
		/// What would be left of the hotkey's stake (bonded and unbonding) is less than its open
		/// inference work could still cost it (see [`Config::Exposure`]); withdraw or move less,
		/// or after the work settles.
		StakeBacksOpenResults,
		/// Only the hotkey's owner may set its take.
		NotHotkeyOwner,
		/// The take is above `MaxTake`.
		TakeAboveMaximum,
		/// The take was raised less than `TakeIncreaseRateLimit` blocks ago.
		TakeIncreaseRateLimited,
		/// A pool's arithmetic would overflow.
		Overflow,
		/// The subnet was dissolved and its accrued rewards are still being added to its pools
		/// (by `on_idle`, usually in the same block); retry in a later block.
		RewardsSettling,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_idle(_n: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::settle_dissolved(remaining)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Stake `amount` from the caller onto `hotkey` on `netuid`.
		///
		/// Origin: signed (the coldkey). Errors: [`Error::StakeBelowMinimum`],
		/// [`Error::HotkeyNotRegistered`], [`Error::InsufficientBalance`],
		/// [`Error::AmountTooSmall`], [`Error::Overflow`]. Event: [`Event::StakeAdded`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_stake())]
		pub fn add_stake(
			origin: OriginFor<T>,
			hotkey: T::AccountId,
			netuid: NetUid,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let coldkey = ensure_signed(origin)?;
			Self::do_add_stake(coldkey, hotkey, netuid, amount)
		}

		/// Start unbonding `amount` of the caller's stake on `hotkey` on `netuid`; it can be
		/// withdrawn after `UnbondingPeriod` blocks and is slashable until then. Works on
		/// deregistered hotkeys and dissolved subnets too (once `on_idle` has folded a dissolved
		/// subnet's accrued rewards), so stake is never stuck.
		///
		/// Origin: signed (the coldkey). Errors: [`Error::InsufficientStake`],
		/// [`Error::RemainingStakeBelowMinimum`], [`Error::AmountTooSmall`],
		/// [`Error::TooManyUnbondingChunks`], [`Error::Overflow`], [`Error::RewardsSettling`].
		/// Event: [`Event::StakeUnbonding`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_stake())]
		pub fn remove_stake(
			origin: OriginFor<T>,
			hotkey: T::AccountId,
			netuid: NetUid,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let coldkey = ensure_signed(origin)?;
			Self::do_remove_stake(coldkey, hotkey, netuid, amount)
		}

		/// Pay the caller every due unbonding chunk it has on `hotkey` on `netuid`.
		///
		/// Origin: signed (the coldkey). Errors: [`Error::NothingToWithdraw`],
		/// [`Error::StakeBacksOpenResults`] (while the hotkey's results can be challenged).
		/// Event: [`Event::Withdrawn`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded(T::MaxUnbondingChunks::get()))]
		pub fn withdraw_unbonded(
			origin: OriginFor<T>,
			hotkey: T::AccountId,
			netuid: NetUid,
		) -> DispatchResultWithPostInfo {
			let coldkey = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(coldkey, hotkey, netuid)
		}

		/// Move `amount` of the caller's bonded stake from one hotkey (and subnet) to another,
		/// without unbonding. The destination hotkey must be registered on `to_netuid`.
		///
		/// Origin: signed (the coldkey). Errors: [`Error::StakeBelowMinimum`],
		/// [`Error::HotkeyNotRegistered`], [`Error::StakeBacksOpenResults`] (while the source
		/// hotkey's work can still cost it stake), [`Error::InsufficientStake`],
		/// [`Error::RemainingStakeBelowMinimum`], [`Error::AmountTooSmall`], [`Error::Overflow`],
		/// [`Error::RewardsSettling`]. Event: [`Event::StakeMoved`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::move_stake())]
		pub fn move_stake(
			origin: OriginFor<T>,
			from_hotkey: T::AccountId,
			from_netuid: NetUid,
			to_hotkey: T::AccountId,
			to_netuid: NetUid,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let coldkey = ensure_signed(origin)?;
			Self::do_move_stake(coldkey, (from_hotkey, from_netuid), (to_hotkey, to_netuid), amount)
		}

		/// Set the take of `hotkey`. Rewards the hotkey accrued on any subnet are first folded
		/// into its pools at the old take.
		///
		/// Origin: signed by the coldkey owning `hotkey`. Errors: [`Error::NotHotkeyOwner`],
		/// [`Error::TakeAboveMaximum`], [`Error::TakeIncreaseRateLimited`].
		/// Event: [`Event::TakeSet`].
		#[pallet::call_index(4)]
		#[pallet::weight(Pallet::<T>::set_take_weight(T::MaxSubnets::get()))]
		pub fn set_take(
			origin: OriginFor<T>,
			hotkey: T::AccountId,
			take: Perbill,
		) -> DispatchResultWithPostInfo {
			let coldkey = ensure_signed(origin)?;
			Self::do_set_take(coldkey, hotkey, take)
		}
	}
}
