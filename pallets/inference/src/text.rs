//! Text generation on the market: requests carry a prompt (plain text or chat messages),
//! sampling options and a seed fixed at submission; results carry the generated tokens and
//! their TOPLOC proof. The chain checks sizes only and stores the commitment; audits and
//! challenges judge a generation by a teacher-forced prefill, through the same review protocol
//! as embeddings.
//!
//! Pricing: `fee = request_fee + input_byte_fee × prompt bytes + output_token_fee × max_tokens`
//! is held at submission; a final result of `n` tokens pays
//! `fee − output_token_fee × (max_tokens − n)` (see [`Pallet::unused_fee`]) and the rest goes
//! back to the requester. A miner gains nothing by stopping early (fewer tokens, less pay) or
//! by running on (tokens after an end token or stop string fail the prefill check).

use crate::{
	BalanceOf, Config, Error, InputOf, Pallet, ProofOf, RequestId, RequestOf, TextOptionsOf,
	TextPrompt, TextPromptOf, TextTask,
};
use frame_support::{dispatch::DispatchResult, ensure, traits::Get, BoundedVec};
use inferchain_inference::{
	generation_commitment,
	proof::{chunk_count, proof_bytes_per_chunk},
	ComparisonRule, SamplingParams, TaskKind, TextRule,
};
use inferchain_primitives::NetUid;
use sp_core::H256;
use sp_runtime::traits::Saturating;

/// The bytes of a prompt: the text, or the messages' contents together.
pub fn prompt_len<T: Config>(prompt: &TextPromptOf<T>) -> u32 {
	let bytes = match prompt {
		TextPrompt::Text(text) => text.len(),
		TextPrompt::Chat(messages) => {
			messages.iter().fold(0usize, |sum, message| sum.saturating_add(message.content.len()))
		},
	};
	u32::try_from(bytes).unwrap_or(u32::MAX)
}

impl<T: Config> Pallet<T> {
	/// The proof size a generation of `tokens` tokens needs under `rule` (`None`: overflows).
	pub fn proof_len(rule: &TextRule, tokens: u32) -> Option<u32> {
		let chunks = chunk_count(usize::try_from(tokens).ok()?);
		let bytes = chunks.checked_mul(proof_bytes_per_chunk(usize::from(rule.top_k)))?;
		u32::try_from(bytes).ok()
	}

	/// What a final result of `request` leaves unused of its held fee: `output_token_fee` for
	/// each token it did not generate (zero for other tasks).
	pub fn unused_fee(request: &RequestOf<T>) -> BalanceOf<T> {
		let Some(text) = &request.text else { return Default::default() };
		let generated = request
			.result
			.as_ref()
			.map(|result| u32::try_from(result.output.len() / 4).unwrap_or(u32::MAX))
			.unwrap_or(0);
		let unused = text.max_tokens.saturating_sub(generated);
		text.output_token_fee.saturating_mul(unused.into()).min(request.fee)
	}

	pub(crate) fn do_submit_text_request(
		requester: T::AccountId,
		netuid: NetUid,
		prompt: TextPromptOf<T>,
		options: TextOptionsOf<T>,
		max_fee: BalanceOf<T>,
	) -> DispatchResult {
		let (model_id, metadata) = Self::task_model(netuid)?;
		ensure!(metadata.kind == TaskKind::TextGeneration, Error::<T>::WrongTaskKind);
		let bytes = prompt_len::<T>(&prompt);
		let (input, messages) = match prompt {
			TextPrompt::Text(text) => {
				ensure!(Self::is_text(&text), Error::<T>::InvalidInput);
				(text, BoundedVec::default())
			},
			TextPrompt::Chat(messages) => {
				// Each message has something to say; together no longer than one input.
				ensure!(
					!messages.is_empty()
						&& bytes <= T::MaxInputLen::get()
						&& messages.iter().all(|message| Self::is_text(&message.content)),
					Error::<T>::InvalidInput
				);
				(InputOf::<T>::default(), messages)
			},
		};
		let market = Self::market(netuid);
		let seed = options.seed;
		let sampling = SamplingParams {
			temperature_milli: options.temperature_milli,
			top_p_milli: options.top_p_milli,
			seed: 0,
		};
		ensure!(
			sampling.check().is_ok()
				&& options.max_tokens > 0
				&& options.max_tokens <= market.max_output_tokens.min(T::MaxGeneratedTokens::get())
				&& options
					.stop
					.iter()
					.all(|stop| !stop.is_empty() && core::str::from_utf8(stop).is_ok()),
			Error::<T>::InvalidTextOptions
		);
		let fee = market.text_fee(bytes, options.max_tokens);
		ensure!(fee <= max_fee, Error::<T>::FeeAboveMax);
		// Fixed before any miner is drawn: the requester's, or the chain's draw.
		let request_id: RequestId = crate::NextRequestId::<T>::get();
		let seed = seed.unwrap_or_else(|| {
			let drawn = Self::seed(b"text-seed", request_id);
			let mut head = [0u8; 8];
			head.copy_from_slice(drawn.get(..8).unwrap_or(&[0; 8]));
			u64::from_le_bytes(head)
		});
		let task = TextTask {
			messages,
			max_tokens: options.max_tokens,
			sampling: SamplingParams { seed, ..sampling },
			stop: options.stop,
			output_token_fee: market.output_token_fee,
		};
		Self::open_request(requester, netuid, (model_id, metadata), market, input, Some(task), fee)
	}

	pub(crate) fn do_submit_generation(
		miner: T::AccountId,
		request_id: RequestId,
		tokens: BoundedVec<u32, T::MaxGeneratedTokens>,
		proof: ProofOf<T>,
	) -> DispatchResult {
		let request = Self::awaiting_result(request_id, &miner)?;
		let (Some(text), ComparisonRule::Text(rule)) = (&request.text, &request.rule) else {
			return Err(Error::<T>::WrongTaskKind.into());
		};
		let count = u32::try_from(tokens.len()).map_err(|_| Error::<T>::MalformedGeneration)?;
		ensure!(
			count > 0
				&& count <= text.max_tokens
				&& tokens.iter().all(|token| *token < request.output_dim),
			Error::<T>::MalformedGeneration
		);
		let expected = Self::proof_len(rule, count).ok_or(Error::<T>::MalformedProof)?;
		ensure!(u32::try_from(proof.len()) == Ok(expected), Error::<T>::MalformedProof);
		let commitment = H256(generation_commitment(&tokens, &proof));
		let bytes: alloc::vec::Vec<u8> =
			tokens.iter().flat_map(|token| token.to_le_bytes()).collect();
		let output = BoundedVec::try_from(bytes).map_err(|_| Error::<T>::MalformedGeneration)?;
		Self::record_result(request_id, request, miner, output, proof, commitment)
	}
}
