//! Rules for hyperparameters: what any subnet must satisfy, and the range its owner may use.

use crate::types::SubnetHyperparams;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The range within which a subnet owner may set each numeric hyperparameter (root is bound
/// only by [`check_consistent`]). Flags and modes are the owner's choice.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct OwnerLimits<Balance> {
	/// Smallest value of each field.
	pub min: SubnetHyperparams<Balance>,
	/// Largest value of each field.
	pub max: SubnetHyperparams<Balance>,
}

/// Why a set of hyperparameters is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rejection {
	/// Not a working subnet: zero tempo, interval or target, `max_uids` out of
	/// `1..=max_uids_limit`, `max_validators` out of `1..=min(max_uids, max_validators_limit)`,
	/// or `min_burn > max_burn`.
	Inconsistent,
	/// `max_uids` below the UIDs the subnet already holds.
	BelowNeuronCount,
	/// A field outside the owner's range.
	OutsideOwnerLimits,
}

/// Checks what every subnet's parameters must satisfy, whoever sets them.
pub fn check_consistent<Balance: PartialOrd>(
	p: &SubnetHyperparams<Balance>,
	max_uids_limit: u16,
	max_validators_limit: u16,
	uids_in_use: u16,
) -> Result<(), Rejection> {
	let consistent = p.tempo > 0
		&& p.adjustment_interval > 0
		&& p.target_registrations_per_interval > 0
		&& (1..=max_uids_limit).contains(&p.max_uids)
		&& (1..=p.max_uids.min(max_validators_limit)).contains(&p.max_validators)
		&& p.min_burn <= p.max_burn;
	if !consistent {
		return Err(Rejection::Inconsistent);
	}
	if p.max_uids < uids_in_use {
		return Err(Rejection::BelowNeuronCount);
	}
	Ok(())
}

/// Checks that every numeric field lies within the owner's range.
pub fn check_owner_limits<Balance: PartialOrd>(
	p: &SubnetHyperparams<Balance>,
	limits: &OwnerLimits<Balance>,
) -> Result<(), Rejection> {
	let (lo, hi) = (&limits.min, &limits.max);
	fn within<V: PartialOrd>(v: &V, lo: &V, hi: &V) -> bool {
		lo <= v && v <= hi
	}
	let ok = within(&p.tempo, &lo.tempo, &hi.tempo)
		&& within(&p.max_uids, &lo.max_uids, &hi.max_uids)
		&& within(&p.max_validators, &lo.max_validators, &hi.max_validators)
		&& within(&p.immunity_period, &lo.immunity_period, &hi.immunity_period)
		&& within(&p.activity_cutoff, &lo.activity_cutoff, &hi.activity_cutoff)
		&& within(&p.kappa, &lo.kappa, &hi.kappa)
		&& within(&p.bonds_moving_average, &lo.bonds_moving_average, &hi.bonds_moving_average)
		&& within(&p.min_burn, &lo.min_burn, &hi.min_burn)
		&& within(&p.max_burn, &lo.max_burn, &hi.max_burn)
		&& within(
			&p.target_registrations_per_interval,
			&lo.target_registrations_per_interval,
			&hi.target_registrations_per_interval,
		) && within(&p.adjustment_interval, &lo.adjustment_interval, &hi.adjustment_interval)
		&& within(&p.weights_rate_limit, &lo.weights_rate_limit, &hi.weights_rate_limit)
		&& within(&p.reveal_period, &lo.reveal_period, &hi.reveal_period)
		&& within(&p.serving_rate_limit, &lo.serving_rate_limit, &hi.serving_rate_limit)
		&& within(&p.weights_version, &lo.weights_version, &hi.weights_version);
	if ok {
		Ok(())
	} else {
		Err(Rejection::OutsideOwnerLimits)
	}
}
