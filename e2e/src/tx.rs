//! Signed extrinsics built with the runtime's own types, exactly as a wallet builds them.

use codec::Encode;
use inferchain_runtime::{
	Balance, Hash, Runtime, RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic,
};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{generic::Era, MultiAddress, MultiSignature};

/// What a signature commits to besides the call: chain identity and the signer's nonce.
#[derive(Clone, Copy, Debug)]
pub struct ChainContext {
	/// Genesis hash of the chain.
	pub genesis: Hash,
	/// Runtime `spec_version`.
	pub spec_version: u32,
	/// Runtime `transaction_version`.
	pub transaction_version: u32,
}

fn extension(nonce: u32, tip: Balance) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// `call` signed by `signer` with `nonce`, immortal, no tip. Encoded, ready to submit.
pub fn signed(
	call: RuntimeCall,
	signer: Sr25519Keyring,
	nonce: u32,
	chain: ChainContext,
) -> Vec<u8> {
	signed_with_key(call, signer, signer, nonce, chain)
}

/// Like [`signed`], but the signature is made with `key` while the extrinsic claims `signer`:
/// with `key != signer` the signature is invalid (a forged transaction).
pub fn signed_with_key(
	call: RuntimeCall,
	signer: Sr25519Keyring,
	key: Sr25519Keyring,
	nonce: u32,
	chain: ChainContext,
) -> Vec<u8> {
	let extension = extension(nonce, 0);
	let implicit = (
		(),
		chain.spec_version,
		chain.transaction_version,
		chain.genesis,
		chain.genesis,
		(),
		(),
		(),
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| key.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(signer.to_account_id()),
		MultiSignature::Sr25519(signature),
		extension,
	)
	.encode()
}

/// A `Balances::transfer_keep_alive` call.
pub fn transfer(dest: Sr25519Keyring, value: Balance) -> RuntimeCall {
	RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: MultiAddress::Id(dest.to_account_id()),
		value,
	})
}

/// Signs `call` with `signer` at its next nonce, submits it and waits until a finalized block
/// includes it; returns that block and the events of this extrinsic (a failed dispatch shows as
/// `ExtrinsicFailed`), not those of other extrinsics or hooks of the same block.
pub async fn submit(
	client: &crate::Client,
	signer: Sr25519Keyring,
	call: RuntimeCall,
) -> anyhow::Result<(Hash, Vec<inferchain_runtime::RuntimeEvent>)> {
	let (spec_version, transaction_version) = client.runtime_versions().await?;
	let chain =
		ChainContext { genesis: client.genesis_hash().await?, spec_version, transaction_version };
	let nonce = client.next_nonce(&signer.to_account_id()).await?;
	let extrinsic = signed(call, signer, nonce, chain);
	let block = client.submit_and_wait_finalized(&extrinsic).await?;
	let body = client.call("chain_getBlock", vec![format!("{block:?}").into()]).await?;
	let ours = format!("0x{}", hex::encode(&extrinsic));
	let index = body["block"]["extrinsics"]
		.as_array()
		.and_then(|extrinsics| extrinsics.iter().position(|e| e.as_str() == Some(&ours)))
		.ok_or_else(|| anyhow::anyhow!("block {block:?} does not hold the extrinsic"))?;
	let index = u32::try_from(index)?;
	let events = client
		.events(block)
		.await?
		.into_iter()
		.filter(|record| record.phase == frame_system::Phase::ApplyExtrinsic(index))
		.map(|record| record.event)
		.collect();
	Ok((block, events))
}

/// Whether `events` hold an `ExtrinsicFailed` with `error` (a refused dispatch).
pub fn failed_with(
	events: &[inferchain_runtime::RuntimeEvent],
	error: impl Into<sp_runtime::DispatchError>,
) -> bool {
	let error = error.into();
	events.iter().any(|event| {
		matches!(event,
			inferchain_runtime::RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error, ..
			}) if *dispatch_error == error)
	})
}

/// The transaction fee `who` paid among `events` (`TransactionPayment.TransactionFeePaid`).
pub fn fee_paid(
	events: &[inferchain_runtime::RuntimeEvent],
	who: &inferchain_runtime::AccountId,
) -> Option<inferchain_runtime::Balance> {
	events.iter().find_map(|event| match event {
		inferchain_runtime::RuntimeEvent::TransactionPayment(
			pallet_transaction_payment::Event::TransactionFeePaid {
				who: payer, actual_fee, ..
			},
		) if payer == who => Some(*actual_fee),
		_ => None,
	})
}
