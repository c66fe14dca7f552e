//! A runtime for the pallet's tests: System, Balances and the real Subnets, Stake and Emission
//! pallets around Inference.

use crate as pallet_inference;
use crate::{MarketParams, ModelMetadata};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, ConstU8, Hooks},
	BoundedVec, PalletId,
};
use inferchain_inference::{RuntimeProfile, TaskKind};
use pallet_subnets::{hyperparams::OwnerLimits, BondsMode, NetUid, SubnetHyperparams, SubnetTask};
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

/// Account ids in tests are plain numbers.
pub type AccountId = u64;
/// Balances in tests are plain numbers.
pub type Balance = u64;

/// Owner of subnet 0, of the model, and of the validator hotkeys.
pub const ALICE: AccountId = 1;
/// Owner of the miner hotkeys.
pub const DAVE: AccountId = 4;
/// A dApp that pays for requests.
pub const DAPP: AccountId = 5;
/// An account with a little balance.
pub const POOR: AccountId = 6;
/// Validator hotkeys, UIDs 0–3, all with permits.
pub const VALIDATORS: [AccountId; 4] = [100, 101, 102, 103];
/// The coldkey owning each of [`VALIDATORS`] (one each, so a committee can exclude the
/// coldkeys of the parties and still seat the others).
pub const VALIDATOR_COLDKEYS: [AccountId; 4] = [11, 12, 13, 14];
/// The validator hotkey used as challenger (UID 3).
pub const CHALLENGER: AccountId = 103;
/// The miner hotkey, UID 4.
pub const MINER: AccountId = 200;
/// A second miner hotkey ([`add_second_miner`]), UID 5.
pub const MINER_B: AccountId = 201;
/// A hotkey nobody registered.
pub const STRANGER: AccountId = 300;
/// Balance of funded accounts.
pub const FUNDS: Balance = 1_000_000;
/// Stake on each validator and miner.
pub const STAKE: Balance = 10_000;
/// Subnet 0.
pub const NET: NetUid = NetUid(0);
/// The digests of the subnet's model files.
pub const DIGESTS: inferchain_inference::ModelDigests =
	inferchain_inference::ModelDigests { weights: [7; 32], config: [8; 32], tokenizer: None };

/// The subnet's model id: [`DIGESTS`] under the profile of [`metadata`], as the chain computes.
pub fn model() -> [u8; 32] {
	DIGESTS.model_id(&metadata().profile, &metadata().output())
}
/// The model's rule: ε = 10⁻³.
pub const RULE: inferchain_inference::ComparisonRule =
	inferchain_inference::ComparisonRule::Tolerance { max_abs_error_e9: 1_000_000 };
/// Default request fee.
pub const FEE: Balance = 100;
/// Blocks a miner has to answer.
pub const TIMEOUT: u64 = 3;
/// Blocks a miner has to answer a text-generation request.
pub const TEXT_TIMEOUT: u64 = 6;
/// What an answer of [`metadata`]'s model (3 values of 4 bytes) holds from its miner until it is
/// pruned, at the default `ResultDeposit` of 1 per byte.
pub const RESULT_DEPOSIT: Balance = 12;
/// Challenge window.
pub const WINDOW: u64 = 10;
/// Verdict commit period.
pub const COMMIT: u64 = 2;
/// Verdict reveal period.
pub const REVEAL: u64 = 2;
/// Challenge bond.
pub const BOND: Balance = 500;
/// Slash multiple.
pub const MULTIPLE: u32 = 10;
/// Verdict penalty.
pub const PENALTY: Balance = 20;
/// Timeout penalty.
pub const TIMEOUT_PENALTY: Balance = 10;
/// Blocks a settled request stays.
pub const RETENTION: u64 = 5;
/// Model deposit.
pub const DEPOSIT: Balance = 100;
/// Most committee members (as in the runtime: every eligible validator of these subnets).
pub const COMMITTEE: u32 = 16;
/// Least stake of a panel member.
pub const MIN_VALIDATOR_STAKE: Balance = 1_000;
/// Actions per block.
pub const AGENDA: u32 = 64;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type Subnets = pallet_subnets;

	#[runtime::pallet_index(3)]
	pub type Stake = pallet_stake;

	#[runtime::pallet_index(4)]
	pub type Emission = pallet_emission;

	#[runtime::pallet_index(5)]
	pub type Inference = pallet_inference;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ExistentialDeposit = ConstU64<1>;
}

fn hyperparams() -> SubnetHyperparams<Balance> {
	SubnetHyperparams {
		tempo: 10,
		max_uids: 32,
		max_validators: 4,
		immunity_period: 5,
		activity_cutoff: 100,
		kappa: Perbill::from_percent(50),
		bonds_moving_average: Perbill::from_percent(10),
		bonds_mode: BondsMode::Absolute,
		min_burn: 1,
		max_burn: 1,
		target_registrations_per_interval: 8,
		adjustment_interval: 10,
		weights_rate_limit: 0,
		commit_reveal: true,
		reveal_period: 2,
		serving_rate_limit: 0,
		weights_version: 0,
	}
}

parameter_types! {
	pub DefaultHyperparams: SubnetHyperparams<Balance> = hyperparams();
	pub Limits: OwnerLimits<Balance> = OwnerLimits { min: hyperparams(), max: hyperparams() };
	pub const StakePalletId: PalletId = PalletId(*b"inf/stak");
	pub const EmissionPalletId: PalletId = PalletId(*b"emission");
	pub const Take: Perbill = Perbill::from_percent(18);
	pub const MaxTake: Perbill = Perbill::from_percent(50);
	pub const Half: Perbill = Perbill::from_percent(50);
	pub const Tenth: Perbill = Perbill::from_percent(10);
	/// ⅔ rounded down: 666,666,666 parts per billion.
	pub const TwoThirds: Perbill = Perbill::from_parts(666_666_666);
	/// The audit probability floor: 10⁻⁹ unless a test raises it (`MinAudit::set`).
	pub storage MinAudit: Perbill = Perbill::from_parts(1);
	/// Unlimited unless a test lowers it (`AgendaBudget::set`).
	pub storage AgendaBudget: frame_support::weights::Weight = frame_support::weights::Weight::MAX;
	/// `RETENTION` unless a test changes it (`Retention::set`).
	pub storage Retention: u64 = RETENTION;
	pub const Market: MarketParams<Balance> = MarketParams {
		request_fee: FEE,
		audit_probability: Perbill::from_percent(10),
		new_miner_audit_probability: Perbill::from_percent(50),
		input_byte_fee: 1,
		output_token_fee: 2,
		max_output_tokens: 8,
	};
	/// Held per result byte: 1 unless a test changes it (`ResultDeposit::set`).
	pub storage ResultDeposit: Balance = 1;
}

impl pallet_subnets::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxSubnets = ConstU32<4>;
	type MinLockCost = ConstU64<10>;
	type LockReductionInterval = ConstU64<10>;
	type MaxUidsLimit = ConstU32<32>;
	type MaxValidatorsLimit = ConstU32<32>;
	type DefaultHyperparams = DefaultHyperparams;
	type OwnerLimits = Limits;
	type HyperparamsRateLimit = ConstU64<0>;
	type NeuronLifecycle = (Emission, Stake);
	type Work = Inference;
	type WeightInfo = ();
}

impl pallet_stake::Config for Test {
	type Currency = Balances;
	type Subnets = Subnets;
	type PalletId = StakePalletId;
	type MinStake = ConstU64<100>;
	type MinValidatorStake = ConstU64<MIN_VALIDATOR_STAKE>;
	type UnbondingPeriod = ConstU64<5>;
	type MaxUnbondingChunks = ConstU32<3>;
	type DefaultTake = Take;
	type MaxTake = MaxTake;
	type TakeIncreaseRateLimit = ConstU64<5>;
	type MaxSubnets = ConstU32<4>;
	type Exposure = Inference;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Helper;
}

impl pallet_emission::Config for Test {
	type Currency = Balances;
	type Subnets = Subnets;
	type Stake = Stake;
	type PalletId = EmissionPalletId;
	type EmissionCap = ConstU64<1_000_000>;
	type InitialBlockEmission = ConstU64<1_000>;
	type OwnerCut = Take;
	type MinerShare = Half;
	type MaxEpochsPerBlock = ConstU32<1>;
	type MaxUids = ConstU32<32>;
	type MaxValidators = ConstU32<32>;
	type MinValidatorStake = ConstU64<MIN_VALIDATOR_STAKE>;
	type MaxSubnets = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Helper;
}

impl pallet_inference::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Subnets = Subnets;
	type Stake = Stake;
	type Permits = Emission;
	type Randomness = crate::ParentHashRandomness<Test>;
	type ModelDeposit = ConstU64<DEPOSIT>;
	type MaxModelName = ConstU32<32>;
	type MaxInputLen = ConstU32<64>;
	type MaxOutputLen = ConstU32<64>;
	type MaxMessages = ConstU32<4>;
	type MaxStops = ConstU32<2>;
	type MaxStopLen = ConstU32<8>;
	type MaxGeneratedTokens = ConstU32<16>;
	type MaxProofLen = ConstU32<1024>;
	type ResultDepositPerByte = ResultDeposit;
	type DefaultMarket = Market;
	type MinRequestFee = ConstU64<10>;
	type MinAuditProbability = MinAudit;
	type MinValidatorStake = ConstU64<MIN_VALIDATOR_STAKE>;
	type ReviewQuorum = TwoThirds;
	type Supermajority = TwoThirds;
	type ResultTimeout = ConstU64<TIMEOUT>;
	type TextResultTimeout = ConstU64<TEXT_TIMEOUT>;
	type MaxAttempts = ConstU8<2>;
	type ChallengeWindow = ConstU64<WINDOW>;
	type VerdictCommitPeriod = ConstU64<COMMIT>;
	type VerdictRevealPeriod = ConstU64<REVEAL>;
	type CommitteeSize = ConstU32<COMMITTEE>;
	type ChallengeBond = ConstU64<BOND>;
	type SlashMultiple = ConstU32<MULTIPLE>;
	type SlashRewardShare = Half;
	type VerdictPenalty = ConstU64<PENALTY>;
	type TimeoutPenalty = ConstU64<TIMEOUT_PENALTY>;
	type ProtocolCut = Tenth;
	type NewMinerResults = ConstU32<2>;
	type MaxSubnets = ConstU32<4>;
	type Retention = Retention;
	type MaxUids = ConstU32<32>;
	type MaxAgendaLen = ConstU32<AGENDA>;
	type AgendaBudget = AgendaBudget;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Helper;
}

/// The model's metadata.
pub fn metadata() -> ModelMetadata<BoundedVec<u8, ConstU32<32>>> {
	ModelMetadata {
		name: BoundedVec::truncate_from(b"all-MiniLM-L6-v2".to_vec()),
		kind: TaskKind::Embedding,
		profile: RuntimeProfile::tolerant(1_000_000),
		output_dim: 3,
	}
}

/// Registers `hotkey` (owned by `coldkey`) on `netuid` and stakes [`STAKE`] on it.
pub fn register_and_stake(coldkey: AccountId, netuid: NetUid, hotkey: AccountId) {
	Subnets::register_neuron(RuntimeOrigin::signed(coldkey), netuid, hotkey, Balance::MAX).unwrap();
	Stake::add_stake(RuntimeOrigin::signed(coldkey), hotkey, netuid, STAKE).unwrap();
	pallet_balances::Pallet::<Test>::force_set_balance(RuntimeOrigin::root(), hotkey, FUNDS)
		.unwrap();
}

/// Registers `hotkey` (owned by `coldkey`) on `netuid` as a validator with [`STAKE`].
pub fn register_validator(coldkey: AccountId, netuid: NetUid, hotkey: AccountId) {
	register_and_stake(coldkey, netuid, hotkey);
	Subnets::set_neuron_role(
		RuntimeOrigin::signed(coldkey),
		netuid,
		hotkey,
		pallet_subnets::NeuronRole::Validator,
	)
	.unwrap();
}

/// Marks the first `validators` UIDs of `netuid` as permitted (what an epoch would store).
pub fn set_permits(netuid: NetUid, validators: usize, uids: usize) {
	let permits: Vec<bool> = (0..uids).map(|uid| uid < validators).collect();
	permit(netuid, &permits);
}

/// Stores `permits` (indexed by UID) and the stake behind each, as an epoch would now.
pub fn permit(netuid: NetUid, permits: &[bool]) {
	use inferchain_primitives::StakeInfo;
	let stakes = <Stake as StakeInfo<AccountId, Balance>>::uid_stakes(netuid);
	let permit_stakes: Vec<(u16, u128)> = permits
		.iter()
		.enumerate()
		.filter(|(_, permitted)| **permitted)
		.map(|(uid, _)| (uid as u16, u128::from(stakes.get(uid).copied().unwrap_or(0))))
		.collect();
	pallet_emission::Permits::<Test>::insert(netuid, BoundedVec::truncate_from(permits.to_vec()));
	pallet_emission::PermitStakes::<Test>::insert(netuid, BoundedVec::truncate_from(permit_stakes));
}

/// Registers [`MINER_B`] at UID 5 with stake.
pub fn add_second_miner() {
	register_and_stake(DAVE, NET, MINER_B);
	set_permits(NET, 4, 6);
}

/// Runs blocks up to `n`: each gets a fresh parent hash and the pallet's `on_initialize`.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		System::set_parent_hash(H256(sp_io::hashing::blake2_256(&next.to_le_bytes())));
		Inference::on_initialize(next);
	}
}

/// Externalities at block 1: subnet 0 owned by ALICE with validators at UIDs 0–3 (permitted)
/// and [`MINER`] at UID 4, all staked; its task is [`model`], registered.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [ALICE, DAVE, DAPP]
			.into_iter()
			.chain(VALIDATOR_COLDKEYS)
			.map(|who| (who, FUNDS))
			.chain([(POOR, 50)])
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_stake::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	pallet_emission::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Subnets::register_subnet(RuntimeOrigin::signed(ALICE), Balance::MAX).unwrap();
		for (coldkey, validator) in VALIDATOR_COLDKEYS.into_iter().zip(VALIDATORS) {
			register_validator(coldkey, NET, validator);
		}
		register_and_stake(DAVE, NET, MINER);
		set_permits(NET, 4, 5);
		let task = SubnetTask { kind: TaskKind::Embedding, model_id: H256(model()) };
		Subnets::set_subnet_task(RuntimeOrigin::signed(ALICE), NET, task).unwrap();
		Inference::register_model(RuntimeOrigin::signed(ALICE), DIGESTS, metadata()).unwrap();
		System::reset_events();
	});
	ext
}

/// Builds subnets for the benchmarks through the real subnets and stake pallets.
#[cfg(feature = "runtime-benchmarks")]
pub struct Helper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_stake::BenchmarkHelper<AccountId> for Helper {
	fn register_hotkey(coldkey: &AccountId, hotkey: &AccountId) -> NetUid {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(coldkey, FUNDS);
		let netuid = pallet_subnets::NextNetUid::<Test>::get();
		Subnets::register_subnet(RuntimeOrigin::signed(*coldkey), Balance::MAX).unwrap();
		Subnets::register_neuron(RuntimeOrigin::signed(*coldkey), netuid, *hotkey, Balance::MAX)
			.unwrap();
		netuid
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_emission::BenchmarkHelper<AccountId> for Helper {
	fn subnet(uids: u32, _validators: u32, _commit_reveal: bool) -> (NetUid, Vec<AccountId>) {
		(NET, (0..u64::from(uids)).collect())
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for Helper {
	fn subnet(
		miners: u32,
		validators: u32,
		model_id: [u8; 32],
	) -> (NetUid, Vec<AccountId>, Vec<AccountId>) {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(&ALICE, FUNDS * 100);
		let netuid = pallet_subnets::NextNetUid::<Test>::get();
		Subnets::register_subnet(RuntimeOrigin::signed(ALICE), Balance::MAX).unwrap();
		let validators: Vec<AccountId> = (0..u64::from(validators)).map(|i| 10_000 + i).collect();
		let miners: Vec<AccountId> = (0..u64::from(miners)).map(|i| 20_000 + i).collect();
		for hotkey in &validators {
			// Each validator its own coldkey: panels exclude the miner's.
			let coldkey = hotkey + 1_000_000;
			Balances::set_balance(&coldkey, FUNDS);
			register_validator(coldkey, netuid, *hotkey);
		}
		for hotkey in &miners {
			register_and_stake(ALICE, netuid, *hotkey);
		}
		set_permits(netuid, validators.len(), validators.len() + miners.len());
		let task = SubnetTask { kind: TaskKind::Embedding, model_id: H256(model_id) };
		Subnets::set_subnet_task(RuntimeOrigin::signed(ALICE), netuid, task).unwrap();
		(netuid, miners, validators)
	}
}
