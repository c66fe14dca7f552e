//! # Validators pallet
//!
//! Who produces blocks (BABE) and votes on finality (GRANDPA): anyone who bonds at least
//! `MinValidatorBond`, sets session keys and declares itself a candidate. Each session the
//! candidates with the largest bonds, at most `MaxAuthorities`, are elected for the session
//! after next (pallet-session queues a set one session ahead).
//!
//! ## Life of a validator
//! 1. Keys: `author_rotateKeys` on its node, then `session.setKeys(keys, proof)` (the usual
//!    polkadot.js Apps flow).
//! 2. [`Pallet::bond`] holds tokens from its account ([`HoldReason::ValidatorBond`]).
//! 3. [`Pallet::validate`]: a candidate. At the next session change it is elected if its bond
//!    is among the top `MaxAuthorities` (see [`election`]); pallet-session makes it an authority
//!    one session later.
//! 4. [`Pallet::chill`]: no longer a candidate; it leaves when the set elected without it takes
//!    over. [`Pallet::unbond`] moves bond into a chunk that stays held, and slashable, for
//!    `BondingDuration` sessions; [`Pallet::withdraw_unbonded`] releases due chunks.
//!
//! ## Offences
//! BABE and GRANDPA equivocations (two blocks for one slot, two votes in one round) are
//! reported unsigned, checked against the session's historical key-ownership root and handed to
//! this pallet by `pallet-offences` ([`OnOffenceHandler`]): the offender loses the offence's
//! slash fraction of everything it has bonded (active and unbonding), which is burned, is
//! chilled and barred from `validate` for `BondingDuration` sessions (so it leaves the set), and
//! is disabled for the rest of the session through [`SessionControl::disable`]. A seated
//! validator cannot change or purge its session keys (the runtime's `ValidatorIdOf` refuses),
//! so the keys it signs with are always the ones the session's key-ownership proofs name. An honest validator never equivocates, so it never loses
//! bond; one running its keys on two machines does, and loses more the more validators
//! equivocate together (BABE's and GRANDPA's `(3k/n)²` slash fraction).
//!
//! Delegation to validator candidates is left out: this chain pays no block reward, so a
//! delegator would share the slashing risk of a block producer and nothing else. Stake for the
//! inference market (subnet validators and miners) is `pallet-stake`'s, apart from this bond.
//!
//! ## Invariants (checked by `try_state`)
//! - Each ledger's total equals the balance held from its account for the bond.
//! - Every candidate has a ledger whose active bond is at least `MinValidatorBond`.
//! - At most `MaxCandidates` candidates, each with a distinct ticket below [`NextTicket`]; a
//!   full list admits a newcomer only by displacing the candidate the election ranks last.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod bonds;
pub mod election;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod ledger;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::unwrap_used, clippy::indexing_slicing)]
mod mock;
mod offences;
mod session;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::unwrap_used, clippy::indexing_slicing)]
mod tests;
pub mod types;
pub mod weights;

pub use session::FullIdentificationOf;
pub use types::{Ledger, Unlock};
pub use weights::WeightInfo;

use sp_runtime::Perbill;
use sp_staking::SessionIndex;

/// Session changes between an election and the set it elects leaving: pallet-session queues
/// each set one session ahead, so a validator chilled in session `s` still sits in `s + 1`.
pub const SET_LAG: SessionIndex = 2;

/// What this pallet asks of the session pallet; the runtime implements it over
/// `pallet-session`.
pub trait SessionControl<AccountId> {
	/// Whether `who` has session keys for the next session.
	fn has_keys(who: &AccountId) -> bool;
	/// Stops `who` authoring and voting for the rest of the current session (an offender).
	fn disable(who: &AccountId, severity: Perbill);
	/// Forgets the historical key-ownership roots of sessions before `before` (no equivocation
	/// in them can be reported any more).
	fn prune_history(before: SessionIndex);
	/// Gives `who` session keys (benchmarks only).
	#[cfg(feature = "runtime-benchmarks")]
	fn give_keys(who: &AccountId);
}

// FRAME's pallet macros expand to `expect` calls spanned on this module, which clippy cannot tell
// from ours, so this module allows `expect_used`. It holds declarations and short call bodies;
// the rules live in the other modules, where every lint applies.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, MutateHold},
			tokens::Precision,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{Saturating, Zero};

	/// Balance of the bonded currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A validator's ledger in this runtime.
	pub type LedgerOf<T> = Ledger<BalanceOf<T>, <T as Config>::MaxUnlockingChunks>;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The bonded currency.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ frame_support::traits::fungible::Mutate<Self::AccountId>;
		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;
		/// Keys, disabling and history in the session pallet.
		type Session: SessionControl<Self::AccountId>;
		/// Least active bond of a candidate.
		#[pallet::constant]
		type MinValidatorBond: Get<BalanceOf<Self>>;
		/// Most validators elected for a session (BABE's and GRANDPA's authority limit).
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;
		/// Most candidates at once (bounds the election's work).
		#[pallet::constant]
		type MaxCandidates: Get<u32>;
		/// Sessions an unbonded amount stays held, and slashable, after `unbond`; also how
		/// long equivocations can be reported.
		#[pallet::constant]
		type BondingDuration: Get<SessionIndex>;
		/// Most unbonding chunks per validator.
		#[pallet::constant]
		type MaxUnlockingChunks: Get<u32>;
		/// Session length of a chain whose genesis does not set one.
		#[pallet::constant]
		type DefaultSessionLength: Get<u32>;
		/// Weights of this pallet's calls, generated by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds balance.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A validator's bond (active or unbonding).
		ValidatorBond,
	}

	#[pallet::type_value]
	pub fn DefaultSessionLength<T: Config>() -> u32 {
		T::DefaultSessionLength::get()
	}

	/// Blocks per session (and per BABE epoch): set at genesis, never changed (BABE's epoch
	/// length is fixed for the chain's life).
	#[pallet::storage]
	pub type SessionLength<T> = StorageValue<_, u32, ValueQuery, DefaultSessionLength<T>>;

	/// Every bonded account's bond.
	#[pallet::storage]
	pub type Ledgers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, LedgerOf<T>>;

	/// The candidates, with the ticket that orders equal bonds.
	#[pallet::storage]
	pub type Candidates<T: Config> = CountedStorageMap<_, Blake2_128Concat, T::AccountId, u64>;

	/// Offenders, with the first session in which they may `validate` again.
	#[pallet::storage]
	pub type BarredUntil<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, SessionIndex>;

	/// The next candidate's ticket.
	#[pallet::storage]
	pub type NextTicket<T> = StorageValue<_, u64, ValueQuery>;

	/// The session now running (as pallet-session last told this pallet).
	#[pallet::storage]
	pub type CurrentSession<T> = StorageValue<_, SessionIndex, ValueQuery>;

	/// The set of the last election that changed it, largest bond first.
	#[pallet::storage]
	pub type LastElected<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxAuthorities>, ValueQuery>;

	/// The largest slash fraction applied to a validator for offences in a session (kept for
	/// `BondingDuration` sessions: reports of them are accepted that long).
	#[pallet::storage]
	pub type SlashedIn<T: Config> =
		StorageDoubleMap<_, Twox64Concat, SessionIndex, Blake2_128Concat, T::AccountId, Perbill>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Validators bonded and declared at genesis: (account, bond).
		pub validators: Vec<(T::AccountId, BalanceOf<T>)>,
		/// Value of [`SessionLength`]; the `DefaultSessionLength` constant when zero.
		pub session_length: u32,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if self.session_length > 0 {
				SessionLength::<T>::put(self.session_length);
			}
			for (who, bond) in &self.validators {
				assert!(
					*bond >= T::MinValidatorBond::get(),
					"genesis validator bond below the minimum"
				);
				assert!(
					Pallet::<T>::do_bond(who, *bond).is_ok(),
					"genesis validator cannot hold its bond"
				);
				assert!(Pallet::<T>::declare(who).is_ok(), "too many genesis validators");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `amount` more of `who`'s balance is held as its bond.
		Bonded { who: T::AccountId, amount: BalanceOf<T> },
		/// `who` is a candidate; `ticket` orders it among equal bonds.
		Candidate { who: T::AccountId, ticket: u64 },
		/// `who` is no longer a candidate.
		Chilled { who: T::AccountId },
		/// `amount` of `who`'s bond unbonds; it stays held until session `unlocks_at`.
		Unbonded { who: T::AccountId, amount: BalanceOf<T>, unlocks_at: SessionIndex },
		/// `amount` of unbonded bond was released to `who`.
		Withdrawn { who: T::AccountId, amount: BalanceOf<T> },
		/// `who` was slashed `amount` (burned) for an offence in `session`.
		Slashed { who: T::AccountId, amount: BalanceOf<T>, session: SessionIndex },
		/// The validators elected for session `session`, largest bond first.
		Elected { session: SessionIndex, validators: Vec<T::AccountId> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// The bond would be below `MinValidatorBond`.
		BondTooLow,
		/// The account cannot hold that much (free balance, existential deposit).
		InsufficientBalance,
		/// The account has no bond.
		NotBonded,
		/// The account is a candidate already.
		AlreadyCandidate,
		/// The account is not a candidate.
		NotCandidate,
		/// `MaxCandidates` candidates already.
		TooManyCandidates,
		/// Set session keys first (`session.setKeys`).
		NoSessionKeys,
		/// Unbonding more than the active bond.
		UnbondTooMuch,
		/// `MaxUnlockingChunks` chunks already: withdraw the due ones or wait.
		TooManyChunks,
		/// No chunk is due.
		NothingToWithdraw,
		/// Slashed for an offence: no candidacy until `BondingDuration` sessions after it.
		RecentlySlashed,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxAuthorities::get() > 0, "MaxAuthorities must be positive");
			assert!(
				T::MaxCandidates::get() >= T::MaxAuthorities::get(),
				"fewer candidates than seats"
			);
			assert!(T::DefaultSessionLength::get() > 0, "sessions must have blocks");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Holds `amount` more of the caller's balance as its validator bond.
		///
		/// Origin: signed. Errors: [`Error::ZeroAmount`]; [`Error::BondTooLow`] when the bond
		/// would stay under `MinValidatorBond`; [`Error::InsufficientBalance`]. Event:
		/// [`Event::Bonded`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::bond())]
		pub fn bond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let active = Ledgers::<T>::get(&who).map(|l| l.active).unwrap_or_default();
			ensure!(
				active.saturating_add(amount) >= T::MinValidatorBond::get(),
				Error::<T>::BondTooLow
			);
			Self::do_bond(&who, amount)?;
			Self::deposit_event(Event::Bonded { who, amount });
			Ok(())
		}

		/// Makes the caller a candidate for the next election.
		///
		/// When `MaxCandidates` are declared, the caller displaces the candidate ranked last if
		/// that one cannot be elected or has a smaller bond ([`Event::Chilled`] for it).
		///
		/// Origin: signed. Errors: [`Error::NotBonded`]; [`Error::BondTooLow`];
		/// [`Error::NoSessionKeys`]; [`Error::RecentlySlashed`]; [`Error::AlreadyCandidate`];
		/// [`Error::TooManyCandidates`]. Event: [`Event::Candidate`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::validate())]
		pub fn validate(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let ledger = Ledgers::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
			ensure!(ledger.active >= T::MinValidatorBond::get(), Error::<T>::BondTooLow);
			ensure!(T::Session::has_keys(&who), Error::<T>::NoSessionKeys);
			if let Some(until) = BarredUntil::<T>::get(&who) {
				ensure!(CurrentSession::<T>::get() >= until, Error::<T>::RecentlySlashed);
				BarredUntil::<T>::remove(&who);
			}
			let ticket = Self::declare(&who)?;
			Self::deposit_event(Event::Candidate { who, ticket });
			Ok(())
		}

		/// Stops the caller being a candidate; it leaves the set when the next set elected
		/// without it takes over.
		///
		/// Origin: signed. Errors: [`Error::NotCandidate`]. Event: [`Event::Chilled`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::chill())]
		pub fn chill(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Candidates::<T>::contains_key(&who), Error::<T>::NotCandidate);
			Self::do_chill(&who);
			Ok(())
		}

		/// Unbonds `amount` of the caller's active bond: it stays held, and slashable, until
		/// `BondingDuration` + [`SET_LAG`] sessions from now (a chilled validator sits in the set
		/// up to [`SET_LAG`] more sessions, and its offences there stay reportable for
		/// `BondingDuration` sessions).
		///
		/// Origin: signed. Errors: [`Error::ZeroAmount`]; [`Error::NotBonded`];
		/// [`Error::UnbondTooMuch`]; [`Error::BondTooLow`] when a candidate would keep less than
		/// `MinValidatorBond` (chill first); [`Error::TooManyChunks`]. Event: [`Event::Unbonded`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut ledger = Ledgers::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
			ensure!(amount <= ledger.active, Error::<T>::UnbondTooMuch);
			if Candidates::<T>::contains_key(&who) {
				let left = ledger.active.saturating_sub(amount);
				ensure!(left >= T::MinValidatorBond::get(), Error::<T>::BondTooLow);
			}
			let unlocks_at = CurrentSession::<T>::get()
				.saturating_add(T::BondingDuration::get())
				.saturating_add(SET_LAG);
			ledger.unbond(amount, unlocks_at).ok_or(Error::<T>::TooManyChunks)?;
			Ledgers::<T>::insert(&who, ledger);
			Self::deposit_event(Event::Unbonded { who, amount, unlocks_at });
			Ok(())
		}

		/// Releases the caller's unbonding chunks that are due.
		///
		/// Origin: signed. Errors: [`Error::NotBonded`]; [`Error::NothingToWithdraw`]. Event:
		/// [`Event::Withdrawn`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut ledger = Ledgers::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
			let amount = ledger.take_unlocked(CurrentSession::<T>::get());
			ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
			T::Currency::release(
				&HoldReason::ValidatorBond.into(),
				&who,
				amount,
				Precision::Exact,
			)?;
			if ledger.is_empty() {
				Ledgers::<T>::remove(&who);
			} else {
				Ledgers::<T>::insert(&who, ledger);
			}
			Self::deposit_event(Event::Withdrawn { who, amount });
			Ok(())
		}
	}
}
