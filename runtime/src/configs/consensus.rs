//! Block production, finality and the validator set: BABE, GRANDPA, authorship, session (with
//! historical key ownership), offences, and `pallet-validators`, which elects each session's set
//! from bonds.

use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64, Contains, Get, KeyOwnerProofSystem},
};
use sp_core::crypto::KeyTypeId;
use sp_runtime::{traits::Convert, Perbill};
use sp_staking::{offence::OffenceSeverity, SessionIndex};

use super::super::{
	AccountId, Babe, Balance, Balances, Historical, Offences, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeHoldReason, Session, SessionKeys, UncheckedExtrinsic, Validators, HOURS,
	MILLI_SECS_PER_BLOCK, UNIT,
};

/// Most validators in a session (BABE's and GRANDPA's authority limit).
pub const MAX_AUTHORITIES: u32 = 32;
/// Sessions an unbonded validator bond stays slashable; equivocations can be reported that long.
pub const BONDING_DURATION: SessionIndex = 28;

parameter_types! {
	/// Least bond of a validator candidate.
	pub const MinValidatorBond: Balance = 1_000 * UNIT;
	/// What `session.setKeys` holds until the keys are purged (stops key-storage spam).
	pub const SessionKeyDeposit: Balance = UNIT;
}

/// BABE's epoch length: the chain's session length, set in its genesis
/// (`pallet_validators::SessionLength`), never changed after.
pub struct EpochDuration;
impl Get<u64> for EpochDuration {
	fn get() -> u64 {
		pallet_validators::SessionLength::<Runtime>::get().into()
	}
}

/// How long an equivocation report stays valid in the pool: the bonding duration, in blocks.
pub struct ReportLongevity;
impl Get<u64> for ReportLongevity {
	fn get() -> u64 {
		EpochDuration::get().saturating_mul(BONDING_DURATION.into())
	}
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = EpochDuration;
	type ExpectedBlockTime = ConstU64<MILLI_SECS_PER_BLOCK>;
	/// Sessions end with epochs (`Babe` is the session's `ShouldEndSession`).
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	type DisabledValidators = Session;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_AUTHORITIES>;
	type MaxNominators = ConstU32<0>;
	type KeyOwnerProof =
		<Historical as KeyOwnerProofSystem<(KeyTypeId, pallet_babe::AuthorityId)>>::Proof;
	type EquivocationReportSystem =
		pallet_babe::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_AUTHORITIES>;
	type MaxNominators = ConstU32<0>;
	/// One set id per session is kept for as long as equivocations can be reported.
	type MaxSetIdSessionEntries = ConstU64<{ BONDING_DURATION as u64 }>;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Babe>;
	/// No block reward: fees are burned and the market pays for inference.
	type EventHandler = ();
}

/// An account's validator id, as `session.setKeys` asks for it: `None` (it fails with
/// `NoAssociatedValidatorId`) while the account sits in the current set or the queued one. Key-ownership proofs of the running session are built from the registered
/// keys, so a seated validator that changed them mid-session could equivocate with keys no
/// proof can name any more. A validator rotates keys by chilling, leaving the set, setting new
/// keys and validating again.
pub struct ValidatorIdUnlessSeated;
impl Convert<AccountId, Option<AccountId>> for ValidatorIdUnlessSeated {
	fn convert(who: AccountId) -> Option<AccountId> {
		let seated = pallet_session::Validators::<Runtime>::get().contains(&who)
			|| pallet_session::QueuedKeys::<Runtime>::get()
				.iter()
				.any(|(queued, _)| *queued == who);
		(!seated).then_some(who)
	}
}

/// Every call but `session.purgeKeys`. pallet-session lets any account purge its keys, a
/// seated validator included (its `ValidatorIdOf` check falls back to the account itself), and
/// a validator whose registered keys are gone cannot be named by a key-ownership proof of the
/// running session, so its equivocations would go unpunished. Keys are replaced with
/// `session.setKeys` instead, which [`ValidatorIdUnlessSeated`] refuses to seated validators.
pub struct NoKeyPurge;
impl Contains<RuntimeCall> for NoKeyPurge {
	fn contains(call: &RuntimeCall) -> bool {
		!matches!(call, RuntimeCall::Session(pallet_session::Call::purge_keys {}))
	}
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ValidatorIdUnlessSeated;
	type ShouldEndSession = Babe;
	type NextSessionRotation = Babe;
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Self, Validators>;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// An offender is disabled for the rest of its session, up to a third of the set.
	type DisablingStrategy = pallet_session::disabling::UpToLimitDisablingStrategy;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = pallet_validators::FullIdentificationOf<Runtime>;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = Validators;
}

/// `pallet-validators`' view of pallet-session.
pub struct SessionControl;
impl pallet_validators::SessionControl<AccountId> for SessionControl {
	fn has_keys(who: &AccountId) -> bool {
		pallet_session::NextKeys::<Runtime>::contains_key(who)
	}

	fn disable(who: &AccountId, severity: Perbill) {
		Session::report_offence(who.clone(), OffenceSeverity(severity));
	}

	fn prune_history(before: SessionIndex) {
		Historical::prune_up_to(before);
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn give_keys(who: &AccountId) {
		use codec::Decode;
		if let Ok(keys) = SessionKeys::decode(&mut sp_runtime::traits::TrailingZeroInput::zeroes())
		{
			pallet_session::NextKeys::<Runtime>::insert(who, keys);
		}
	}
}

impl pallet_validators::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Session = SessionControl;
	type MinValidatorBond = MinValidatorBond;
	type MaxAuthorities = ConstU32<MAX_AUTHORITIES>;
	type MaxCandidates = ConstU32<256>;
	type BondingDuration = ConstU32<BONDING_DURATION>;
	type MaxUnlockingChunks = ConstU32<16>;
	/// An hour: live and local chains; the dev chain's genesis sets a few blocks.
	type DefaultSessionLength = ConstU32<HOURS>;
	type WeightInfo = pallet_validators::weights::SubstrateWeight<Runtime>;
}

/// Unsigned transactions built by the runtime (equivocation reports).
impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}
