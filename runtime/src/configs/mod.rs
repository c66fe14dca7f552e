//! Each pallet's `Config` for the Inferchain runtime. Every runtime-wide default lives here, once.

mod consensus;

pub use consensus::{
	EpochDuration, MinValidatorBond, NoKeyPurge, ValidatorIdUnlessSeated, BONDING_DURATION,
	MAX_AUTHORITIES,
};

use frame_support::PalletId;
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstU128, ConstU16, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_subnets::{hyperparams::OwnerLimits, BondsMode, SubnetHyperparams};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_runtime::{traits::One, Perbill};
use sp_version::RuntimeVersion;

use super::{
	AccountId, Babe, Balance, Balances, Block, BlockNumber, Emission, Hash, Inference, Nonce,
	OriginCaller, PalletInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason,
	RuntimeHoldReason, RuntimeOrigin, RuntimeTask, Stake, Subnets, System, DAYS,
	EXISTENTIAL_DEPOSIT, HOURS, MICRO_UNIT, MILLI_UNIT, SLOT_DURATION, SS58_PREFIX, UNIT, VERSION,
};

/// Most bytes in a block.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

/// Share of a block's weight and length available to normal (non-operational) extrinsics.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Most subnets at once (subnets, stake and emission bound their per-subnet storage by it; the
/// inference pallet checks them all before a model is deregistered).
const MAX_SUBNETS: u32 = 128;

parameter_types! {
	/// Number of recent block hashes kept for mortal transactions.
	pub const BlockHashCount: BlockNumber = 2400;
	/// This runtime's version.
	pub const Version: RuntimeVersion = VERSION;
	/// One second of compute per 3-second block, leaving time for import and networking.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// At most 5 MiB per block, of which normal extrinsics may fill `NORMAL_DISPATCH_RATIO`.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAX_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO.mul_floor(*max)
		})
		.build();
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type BaseCallFilter = NoKeyPurge;
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDb, so storage weights use ParityDb's costs.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = ConstU16<SS58_PREFIX>;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Babe;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fees do not float with congestion (yet): a constant multiplier of one.
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Lock of the first subnet registration, and the floor the lock decays back to.
	pub const SubnetMinLockCost: Balance = 100 * UNIT;
	/// Blocks over which a doubled lock cost decays back linearly: one week.
	pub const SubnetLockReductionInterval: BlockNumber = 7 * DAYS;
}

impl pallet_subnets::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxSubnets = ConstU32<MAX_SUBNETS>;
	type MinLockCost = SubnetMinLockCost;
	type LockReductionInterval = SubnetLockReductionInterval;
	type MaxUidsLimit = ConstU32<4096>;
	type MaxValidatorsLimit = ConstU32<MAX_VALIDATORS>;
	type DefaultHyperparams = DefaultSubnetHyperparams;
	type OwnerLimits = SubnetOwnerLimits;
	type HyperparamsRateLimit = SubnetHyperparamsRateLimit;
	type NeuronLifecycle = (Emission, Stake);
	type Work = Inference;
	type WeightInfo = pallet_subnets::weights::SubstrateWeight<Runtime>;
}

/// Most validator permits on any subnet (owners and root alike): an epoch costs about
/// validators × UIDs, and its weight is benchmarked with this many validators at 4096 UIDs.
pub const MAX_VALIDATORS: u32 = 256;

parameter_types! {
	/// Hyperparameters of every new subnet: 1024 UIDs (owners may go to 4096), 64 validators,
	/// an epoch every 360 blocks (18 minutes), a registration burn of 1–1000 INFER steering
	/// towards 2 registrations per tempo, commit-reveal on with a one-tempo reveal period.
	pub DefaultSubnetHyperparams: SubnetHyperparams<Balance> = SubnetHyperparams {
		tempo: 360,
		max_uids: 1024,
		max_validators: 64,
		immunity_period: 4096,
		activity_cutoff: 5000,
		kappa: Perbill::from_percent(50),
		bonds_moving_average: Perbill::from_percent(10),
		bonds_mode: BondsMode::Absolute,
		min_burn: UNIT,
		max_burn: 1000 * UNIT,
		target_registrations_per_interval: 2,
		adjustment_interval: 360,
		weights_rate_limit: 100,
		commit_reveal: true,
		reveal_period: 360,
		serving_rate_limit: 50,
		weights_version: 0,
	};
	/// The range subnet owners may use (root may set any consistent value).
	pub SubnetOwnerLimits: OwnerLimits<Balance> = OwnerLimits {
		min: SubnetHyperparams {
			tempo: 10,
			max_uids: 1,
			max_validators: 1,
			immunity_period: 0,
			activity_cutoff: 100,
			kappa: Perbill::zero(),
			bonds_moving_average: Perbill::zero(),
			bonds_mode: BondsMode::Absolute,
			min_burn: MILLI_UNIT,
			max_burn: UNIT,
			target_registrations_per_interval: 1,
			adjustment_interval: 10,
			weights_rate_limit: 0,
			commit_reveal: false,
			reveal_period: 1,
			serving_rate_limit: 0,
			weights_version: 0,
		},
		max: SubnetHyperparams {
			tempo: 10_000,
			max_uids: 4096,
			max_validators: MAX_VALIDATORS as u16,
			immunity_period: 100_000,
			activity_cutoff: 100_000,
			kappa: Perbill::one(),
			bonds_moving_average: Perbill::one(),
			bonds_mode: BondsMode::Absolute,
			min_burn: 100 * UNIT,
			max_burn: 100_000 * UNIT,
			target_registrations_per_interval: 64,
			adjustment_interval: 10_000,
			weights_rate_limit: 10_000,
			commit_reveal: true,
			reveal_period: 10_000,
			serving_rate_limit: 10_000,
			weights_version: u64::MAX,
		},
	};
	/// An owner may change its subnet's hyperparameters once an hour.
	pub const SubnetHyperparamsRateLimit: BlockNumber = HOURS;
}

parameter_types! {
	/// The account holding all stake.
	pub const StakePalletId: PalletId = PalletId(*b"inf/stak");
	/// Smallest stake, and smallest position a removal may leave.
	pub const MinStake: Balance = UNIT;
	/// Unbonding takes two days.
	pub const UnbondingPeriod: BlockNumber = 2 * DAYS;
	/// Take of a hotkey whose owner never set one.
	pub const DefaultTake: Perbill = Perbill::from_percent(18);
	/// Highest take.
	pub const MaxTake: Perbill = Perbill::from_percent(20);
	/// A take may rise once a day (it may fall any time).
	pub const TakeIncreaseRateLimit: BlockNumber = DAYS;
}

impl pallet_stake::Config for Runtime {
	type Currency = Balances;
	type Subnets = Subnets;
	type PalletId = StakePalletId;
	type MinStake = MinStake;
	type MinValidatorStake = MinValidatorStake;
	type UnbondingPeriod = UnbondingPeriod;
	type MaxUnbondingChunks = ConstU32<32>;
	type DefaultTake = DefaultTake;
	type MaxTake = MaxTake;
	type TakeIncreaseRateLimit = TakeIncreaseRateLimit;
	type MaxSubnets = ConstU32<MAX_SUBNETS>;
	type Exposure = Inference;
	type WeightInfo = pallet_stake::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = StakeBenchmarkHelper;
}

/// Registers hotkeys for the stake pallet's benchmarks through the subnets pallet.
#[cfg(feature = "runtime-benchmarks")]
pub struct StakeBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_stake::BenchmarkHelper<AccountId> for StakeBenchmarkHelper {
	fn register_hotkey(coldkey: &AccountId, hotkey: &AccountId) -> pallet_subnets::NetUid {
		use frame_support::traits::fungible::Mutate;
		let _ = Balances::set_balance(coldkey, 1_000_000_000 * UNIT);
		let netuid = pallet_subnets::NextNetUid::<Runtime>::get();
		let origin = || RuntimeOrigin::signed(coldkey.clone());
		let _ = Subnets::register_subnet(origin(), Balance::MAX);
		let _ = Subnets::register_neuron(origin(), netuid, hotkey.clone(), Balance::MAX);
		netuid
	}
}

parameter_types! {
	/// The account holding pending emission.
	pub const EmissionPalletId: PalletId = PalletId(*b"inf/emit");
	/// Most INFER that will ever be emitted.
	pub const EmissionCap: Balance = 21_000_000 * UNIT;
	/// 0.25 INFER per 3-second block in the first era (one INFER per 12 seconds): the first
	/// half of the cap takes 42 million blocks, about four years; then it halves.
	pub const InitialBlockEmission: Balance = UNIT / 4;
	/// The subnet owner's cut of each epoch's emission.
	pub const SubnetOwnerCut: Perbill = Perbill::from_percent(18);
	/// Miners' share of the rest; validators (and their delegators) get the other half.
	pub const MinerShare: Perbill = Perbill::from_percent(50);
}

impl pallet_emission::Config for Runtime {
	type Currency = Balances;
	type Subnets = Subnets;
	type Stake = Stake;
	type PalletId = EmissionPalletId;
	type EmissionCap = EmissionCap;
	type InitialBlockEmission = InitialBlockEmission;
	type OwnerCut = SubnetOwnerCut;
	type MinerShare = MinerShare;
	// One epoch per block: a block then carries at most one 4096-UID epoch (charged ≈ 42 ms,
	// see the pallet README) on top of its extrinsics.
	type MaxEpochsPerBlock = ConstU32<1>;
	type MaxUids = ConstU32<4096>;
	type MaxValidators = ConstU32<MAX_VALIDATORS>;
	type MinValidatorStake = MinValidatorStake;
	type MaxSubnets = ConstU32<MAX_SUBNETS>;
	type WeightInfo = pallet_emission::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = EmissionBenchmarkHelper;
}

/// Builds subnets for the emission pallet's benchmarks: neurons written straight into the
/// subnets pallet's storage (registering thousands through the call would dominate the run),
/// stake added through the stake pallet.
#[cfg(feature = "runtime-benchmarks")]
pub struct EmissionBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_emission::BenchmarkHelper<AccountId> for EmissionBenchmarkHelper {
	fn subnet(
		uids: u32,
		validators: u32,
		commit_reveal: bool,
	) -> (pallet_subnets::NetUid, alloc::vec::Vec<AccountId>) {
		use frame_support::traits::fungible::Mutate;
		use inferchain_primitives::NeuronLifecycle;
		use pallet_subnets::{HotkeyOwner, Keys, UidSlot, UidSlots, Uids};
		let owner: AccountId = [7u8; 32].into();
		let staker: AccountId = [8u8; 32].into();
		let _ = Balances::set_balance(&owner, 1_000_000_000 * UNIT);
		let _ = Balances::set_balance(&staker, 1_000_000_000 * UNIT);
		// Keep the lock at its floor however many subnets the benchmark makes.
		pallet_subnets::LastLockCost::<Runtime>::put(0);
		let netuid = pallet_subnets::NextNetUid::<Runtime>::get();
		let _ = Subnets::register_subnet(RuntimeOrigin::signed(owner.clone()), Balance::MAX);
		let max_uids = u16::try_from(uids.max(1)).unwrap_or(u16::MAX);
		let params = SubnetHyperparams {
			max_uids,
			max_validators: u16::try_from(validators).unwrap_or(u16::MAX).clamp(1, max_uids),
			immunity_period: 0,
			commit_reveal,
			weights_rate_limit: 0,
			..DefaultSubnetHyperparams::get()
		};
		let _ = Subnets::set_hyperparameters(RuntimeOrigin::root(), netuid, params);
		let mut slots = pallet_subnets::UidSlotsOf::<Runtime>::default();
		let mut hotkeys = alloc::vec::Vec::new();
		for uid in 0..max_uids {
			let mut bytes = [0xabu8; 32];
			bytes[..2].copy_from_slice(&netuid.0.to_le_bytes());
			bytes[2..4].copy_from_slice(&uid.to_le_bytes());
			let hotkey: AccountId = bytes.into();
			Keys::<Runtime>::insert(netuid, uid, hotkey.clone());
			Uids::<Runtime>::insert(netuid, hotkey.clone(), uid);
			HotkeyOwner::<Runtime>::insert(&hotkey, owner.clone());
			<Runtime as pallet_subnets::Config>::NeuronLifecycle::on_neuron_registered(
				netuid, uid, &hotkey,
			);
			let _ = slots.try_push(UidSlot {
				occupied: true,
				role: if u32::from(uid) < validators {
					pallet_subnets::NeuronRole::Validator
				} else {
					pallet_subnets::NeuronRole::Miner
				},
				registered_at: 0,
				pruning_score: 0,
				owner_neuron: false,
			});
			hotkeys.push(hotkey);
		}
		UidSlots::<Runtime>::insert(netuid, slots);
		for hotkey in hotkeys.iter().take(usize::try_from(validators).unwrap_or(usize::MAX)) {
			let _ = Stake::add_stake(
				RuntimeOrigin::signed(staker.clone()),
				hotkey.clone(),
				netuid,
				MinStake::get().saturating_mul(10),
			);
		}
		(netuid, hotkeys)
	}
}

parameter_types! {
	/// Deposit held for a model registration.
	pub const ModelDeposit: Balance = 10 * UNIT;
	/// Market settings of a subnet whose owner set none: 0.01 INFER per request, 5% of results
	/// audited, 25% while a miner has fewer than `NewMinerResults` finalized results; text
	/// generation 1 µINFER per prompt byte and 0.1 mINFER per generated token, at most 256
	/// tokens a request.
	pub const DefaultMarket: pallet_inference::MarketParams<Balance> =
		pallet_inference::MarketParams {
			request_fee: 10 * MILLI_UNIT,
			audit_probability: Perbill::from_percent(5),
			new_miner_audit_probability: Perbill::from_percent(25),
			input_byte_fee: MICRO_UNIT,
			output_token_fee: 100 * MICRO_UNIT,
			max_output_tokens: 256,
		};
	/// Least stake behind a validator: for a permit (`pallet-emission`, `pallet-stake`) and for
	/// a seat on a review panel (`pallet-inference`).
	pub const MinValidatorStake: Balance = UNIT;
	/// No request is audited with less than 2% probability: a cheat then expects to lose
	/// more than it earns (see the inference pallet's README, "Economics").
	pub const MinAuditProbability: Perbill = Perbill::from_percent(2);
	/// A committee decides only when ⅔ of its stake revealed, and a side wins with ⅔ of the
	/// revealed stake (rounded down to 666,666,666 parts per billion).
	pub const TwoThirds: Perbill = Perbill::from_parts(666_666_666);
	/// Half of a slash goes to whoever caught the wrong result; the rest is burned.
	pub const SlashRewardShare: Perbill = Perbill::from_percent(50);
	/// A tenth of each request fee is burned.
	pub const ProtocolCut: Perbill = Perbill::from_percent(10);
	/// A fifth of a block's weight for the market's timed actions; the rest wait a block.
	pub AgendaBudget: Weight = RuntimeBlockWeights::get().max_block.saturating_div(5);
}

/// Timing of the inference market, in 3-second blocks, sized for embedding-class tasks: a miner
/// answers within 30 s, a result is challengeable for a minute, panels get 12 s to commit and
/// 12 s to reveal.
impl pallet_inference::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Subnets = Subnets;
	type Stake = Stake;
	type Permits = Emission;
	type Randomness = crate::randomness::BlockVrfRandomness;
	type ModelDeposit = ModelDeposit;
	type MaxModelName = ConstU32<64>;
	type MaxInputLen = ConstU32<2048>;
	// 4096 `f32` values (all-MiniLM-L6-v2 answers 384), or 4096 generated tokens.
	type MaxOutputLen = ConstU32<16384>;
	type MaxMessages = ConstU32<16>;
	type MaxStops = ConstU32<4>;
	type MaxStopLen = ConstU32<32>;
	// With `MaxInputLen`, within the 8192-token context of SmolLM2: every request the chain
	// takes can be served.
	type MaxGeneratedTokens = ConstU32<512>;
	// 16 chunks of a rule's `2 + 2k` bytes: `k` up to 255 (the CPU rule's 128 takes 4128).
	type MaxProofLen = ConstU32<8192>;
	// A 384-value embedding holds 1.5 mINFER until it is pruned; 256 tokens and their proof
	// about 3 mINFER.
	type ResultDepositPerByte = ConstU128<MICRO_UNIT>;
	type DefaultMarket = DefaultMarket;
	type MinRequestFee = ConstU128<MILLI_UNIT>;
	type MinAuditProbability = MinAuditProbability;
	type MinValidatorStake = MinValidatorStake;
	type ReviewQuorum = TwoThirds;
	type Supermajority = TwoThirds;
	type ResultTimeout = ConstU32<10>;
	// Three minutes, for 256 tokens of SmolLM2 from a loaded 2-core CPU miner.
	type TextResultTimeout = ConstU32<60>;
	type MaxAttempts = ConstU8<3>;
	type ChallengeWindow = ConstU32<20>;
	type VerdictCommitPeriod = ConstU32<4>;
	type VerdictRevealPeriod = ConstU32<4>;
	// Every eligible validator of a subnet with up to 64 (the default `max_validators`): a
	// committee of them all makes the ⅔ bounds hold exactly (see `pallet_inference::tally`);
	// beyond, 64 seats drawn by stake with replacement.
	type CommitteeSize = ConstU32<64>;
	type ChallengeBond = ConstU128<UNIT>;
	// 100 × the default fee: 1 INFER.
	type SlashMultiple = ConstU32<100>;
	type SlashRewardShare = SlashRewardShare;
	type VerdictPenalty = ConstU128<{ 100 * MILLI_UNIT }>;
	type TimeoutPenalty = ConstU128<{ 10 * MILLI_UNIT }>;
	type ProtocolCut = ProtocolCut;
	type NewMinerResults = ConstU32<100>;
	type Retention = ConstU32<HOURS>;
	type MaxSubnets = ConstU32<MAX_SUBNETS>;
	type MaxUids = ConstU32<4096>;
	// About twice what one block's budget runs: a burst spills into a short backlog.
	type MaxAgendaLen = ConstU32<1024>;
	type AgendaBudget = AgendaBudget;
	type WeightInfo = pallet_inference::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = InferenceBenchmarkHelper;
}

/// Builds subnets for the inference pallet's benchmarks on top of the emission helper's: every
/// hotkey funded and staked, the validators permitted, the task set to the model.
#[cfg(feature = "runtime-benchmarks")]
pub struct InferenceBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_inference::BenchmarkHelper<AccountId> for InferenceBenchmarkHelper {
	fn subnet(
		miners: u32,
		validators: u32,
		model_id: [u8; 32],
	) -> (pallet_subnets::NetUid, alloc::vec::Vec<AccountId>, alloc::vec::Vec<AccountId>) {
		use frame_support::traits::fungible::Mutate;
		use pallet_emission::BenchmarkHelper;
		let total = miners.saturating_add(validators);
		let (netuid, mut hotkeys) = EmissionBenchmarkHelper::subnet(total, total, false);
		for hotkey in &hotkeys {
			let _ = Balances::set_balance(hotkey, 1_000 * UNIT);
		}
		let permits: alloc::vec::Vec<bool> = (0..total).map(|uid| uid < validators).collect();
		// The emission helper made every UID a validator: the miners are miners.
		pallet_subnets::UidSlots::<Runtime>::mutate(netuid, |slots| {
			for slot in slots.iter_mut().skip(usize::try_from(validators).unwrap_or(usize::MAX)) {
				slot.role = pallet_subnets::NeuronRole::Miner;
			}
		});
		let stakes =
			<Stake as inferchain_primitives::StakeInfo<AccountId, Balance>>::uid_stakes(netuid);
		let permit_stakes: alloc::vec::Vec<(u16, u128)> = (0..validators)
			.filter_map(|uid| u16::try_from(uid).ok())
			.map(|uid| (uid, stakes.get(usize::from(uid)).copied().unwrap_or(0)))
			.collect();
		pallet_emission::Permits::<Runtime>::insert(
			netuid,
			frame_support::BoundedVec::truncate_from(permits),
		);
		pallet_emission::PermitStakes::<Runtime>::insert(
			netuid,
			frame_support::BoundedVec::truncate_from(permit_stakes),
		);
		let task = pallet_subnets::SubnetTask {
			kind: inferchain_inference::TaskKind::Embedding,
			model_id: sp_core::H256(model_id),
		};
		let _ = Subnets::set_subnet_task(RuntimeOrigin::root(), netuid, task);
		let miners = hotkeys.split_off(usize::try_from(validators).unwrap_or(usize::MAX));
		// Each validator its own coldkey, so panels (which exclude the miner's) can seat them.
		for (index, hotkey) in hotkeys.iter().enumerate() {
			let mut coldkey = [0xc0u8; 32];
			coldkey[..8].copy_from_slice(&u64::try_from(index).unwrap_or(u64::MAX).to_le_bytes());
			pallet_subnets::HotkeyOwner::<Runtime>::insert(hotkey, AccountId::from(coldkey));
		}
		(netuid, miners, hotkeys)
	}
}
