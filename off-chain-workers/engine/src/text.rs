//! Text generation: a [`Llama`] decoder, its tokenizer and chat template from one GGUF file,
//! bound to the model id of the file and the runtime profile; generation with proofs, and the
//! validator's check of a generation by one teacher-forced prefill.
//!
//! Life of a generation: [`TextModel::start`] prefills the prompt and chooses the first token;
//! [`TextModel::step`] advances any number of unfinished [`Sequence`]s by one token in one
//! batched forward pass (sequences may join or leave between steps); each chosen token's
//! final hidden state goes into the current proof chunk, closed every 32 tokens;
//! [`Sequence::finish`] gives the tokens, the text and the proof.

use crate::{
	chat::{ChatMessage, ChatTemplate},
	device::{self, DeviceChoice},
	digest::file_digest,
	embedder::hex,
	error::{EngineError, Result},
	gguf::GgufFile,
	gguf_tokenizer::tokenizer_from_gguf,
	llama::{KvCache, Llama, LlamaConfig, Outputs},
};
use inferchain_inference::{
	generation::{check_generation, Fault, TextRule},
	proof::{chunk_offset, encode_chunks, ChunkProof, CHUNK_TOKENS},
	sampling::{choose_token, SamplingParams},
	ComparisonRule, Dtype, Hash32, ModelDigests, ModelId, OutputSpec, RuntimeProfile,
};
use std::path::Path;
use tokenizers::Tokenizer;

/// How to run a text model.
#[derive(Clone, Debug)]
pub struct TextOptions {
	/// CPU or a GPU.
	pub device: DeviceChoice,
	/// The runtime profile (part of the model id); its rule must be [`ComparisonRule::Text`].
	pub profile: RuntimeProfile,
	/// CPU threads; `None` keeps libtorch's default.
	pub threads: Option<u16>,
	/// Longest prompt + generation in tokens (at most the model's context).
	pub max_context: usize,
	/// Most new tokens one request may ask for.
	pub max_new_tokens: usize,
	/// TESTING ONLY: decoder blocks dropped from the end after loading, a cheaper model under
	/// the file's model id (for validators to catch); 0 in service.
	pub skip_blocks: usize,
}

impl TextOptions {
	/// CPU, the [`TextRule::CPU_F32`] profile, 2048 tokens of context, 512 new tokens.
	pub fn cpu() -> Self {
		Self {
			device: DeviceChoice::Cpu,
			profile: RuntimeProfile::text_cpu(TextRule::CPU_F32),
			threads: None,
			max_context: 2048,
			max_new_tokens: 512,
			skip_blocks: 0,
		}
	}
}

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerationRequest {
	/// Prompt token ids (the rendered chat template, or raw text for completions).
	pub prompt: Vec<u32>,
	/// How tokens are chosen.
	pub params: SamplingParams,
	/// Most new tokens.
	pub max_tokens: usize,
	/// Strings that end the generation (the text is cut before the first one found).
	pub stop: Vec<String>,
	/// What the proof is bound to (`inferchain_inference::proof_binding` of the answering
	/// miner's hotkey and the request hash); all zeros where no one else checks it.
	pub binding: Hash32,
}

impl GenerationRequest {
	/// A request for `max_tokens` new tokens after `prompt`, no stop strings, unbound proof.
	pub fn new(prompt: Vec<u32>, params: SamplingParams, max_tokens: usize) -> Self {
		Self { prompt, params, max_tokens, stop: Vec::new(), binding: [0; 32] }
	}
}

/// Why a generation ended (OpenAI's `finish_reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishReason {
	/// An end-of-sequence token or a stop string.
	Stop,
	/// `max_tokens` reached.
	Length,
}

impl FinishReason {
	/// OpenAI's name for it.
	pub fn as_str(&self) -> &'static str {
		match self {
			Self::Stop => "stop",
			Self::Length => "length",
		}
	}
}

/// A finished generation.
#[derive(Clone, Debug, PartialEq)]
pub struct Generation {
	/// Every generated token (an end token or the one completing a stop string included).
	pub tokens: Vec<u32>,
	/// The text (special tokens left out, cut before a stop string).
	pub text: String,
	/// Why it ended.
	pub finish: FinishReason,
	/// The proof of the tokens (see `inferchain_inference::proof`).
	pub proof: Vec<u8>,
	/// Prompt tokens.
	pub prompt_tokens: usize,
}

/// A generation under way.
pub struct Sequence {
	request: GenerationRequest,
	cache: KvCache,
	tokens: Vec<u32>,
	/// Final hidden states of the current chunk's tokens, row-major.
	chunk_states: Vec<f32>,
	chunks: Vec<ChunkProof>,
	finished: Option<FinishReason>,
	/// Bytes of text already handed out by [`Sequence::take_new_text`].
	streamed: usize,
}

impl Sequence {
	/// Whether it has ended.
	pub fn is_finished(&self) -> bool {
		self.finished.is_some()
	}

	/// Tokens generated so far.
	pub fn tokens(&self) -> &[u32] {
		&self.tokens
	}

	/// The request.
	pub fn request(&self) -> &GenerationRequest {
		&self.request
	}
}

/// The result of a validator's check.
#[derive(Clone, Debug, PartialEq)]
pub enum TextVerdict {
	/// The generation is what the model, prompt and sampling parameters give.
	Accepted,
	/// It is not, and why.
	Rejected(String),
}

/// What a teacher-forced prefill recomputes for each generated token, row-major.
pub struct Recomputation {
	/// Final hidden states, `tokens × hidden`.
	pub states: Vec<f32>,
	/// Logits, `tokens × vocab`.
	pub logits: Vec<f32>,
}

/// What a request needs before the decoder: the tokenizer, the chat template and the limits.
/// Cheap to clone, shareable across threads, so an API handler can render, tokenize and refuse
/// a request before anything is queued.
#[derive(Clone)]
pub struct TextFrontend {
	tokenizer: Tokenizer,
	template: ChatTemplate,
	/// Tokens that end a generation (`eos_token_id` and `<|endoftext|>`-style control tokens).
	end_tokens: Vec<u32>,
	/// Tokens in the vocabulary.
	vocab: u32,
	/// Longest prompt + generation.
	max_context: usize,
	/// Most new tokens per request.
	max_new_tokens: usize,
}

impl TextFrontend {
	/// The frontend of the GGUF model at `path` alone (tokenizer, chat template, end tokens;
	/// no weights loaded): for a client that renders prompts and reads generated tokens, such
	/// as the gateway. `max_context` is capped at the model's context.
	pub fn from_gguf(path: &Path, max_context: usize, max_new_tokens: usize) -> Result<Self> {
		let file = GgufFile::read(path)?;
		let tokenizer = tokenizer_from_gguf(&file)?;
		let template = ChatTemplate::new(file.string("tokenizer.chat_template")?)?;
		let options = TextOptions { max_context, max_new_tokens, ..TextOptions::cpu() };
		Self::of(&file, tokenizer, template, &options)
	}

	/// The frontend of `file` with its tokenizer and template, limits from `options`.
	fn of(
		file: &GgufFile,
		tokenizer: Tokenizer,
		template: ChatTemplate,
		options: &TextOptions,
	) -> Result<Self> {
		let config = LlamaConfig::from_gguf(file)?;
		let mut end_tokens: Vec<u32> = Vec::new();
		if let Ok(eos) = file.unsigned("tokenizer.ggml.eos_token_id") {
			end_tokens.extend(u32::try_from(eos).ok());
		}
		end_tokens.extend(tokenizer.token_to_id("<|endoftext|>"));
		end_tokens.extend(tokenizer.token_to_id("<|im_end|>"));
		end_tokens.sort_unstable();
		end_tokens.dedup();
		let context = usize::try_from(config.context).unwrap_or(0);
		Ok(Self {
			tokenizer,
			template,
			end_tokens,
			vocab: u32::try_from(config.vocab).unwrap_or(0),
			max_context: options.max_context.min(context),
			max_new_tokens: options.max_new_tokens,
		})
	}

	/// Whether `token` ends a generation (an end-of-sequence or control end token).
	pub fn is_end_token(&self, token: u32) -> bool {
		self.end_tokens.contains(&token)
	}

	/// The generated text of `tokens` as a client sees it: special tokens left out, cut before
	/// the first of the `stop` strings; and whether a stop string cut it.
	pub fn visible_text(&self, tokens: &[u32], stop: &[String]) -> Result<(String, bool)> {
		let mut text = self.decode(tokens)?;
		let cut = stop_in(&text, stop);
		if let Some(cut) = cut {
			text.truncate(cut);
		}
		Ok((text, cut.is_some()))
	}

	/// The token ids of `text` (special tokens written in it are read as such; nothing added).
	pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
		self.tokenizer
			.encode(text, false)
			.map(|encoding| encoding.get_ids().to_vec())
			.map_err(|e| EngineError::Tokenizer { path: "gguf".into(), message: e.to_string() })
	}

	/// The text of `tokens`, special tokens left out.
	pub fn decode(&self, tokens: &[u32]) -> Result<String> {
		self.tokenizer
			.decode(tokens, true)
			.map_err(|e| EngineError::Tokenizer { path: "gguf".into(), message: e.to_string() })
	}

	/// The prompt of a chat as text: the model's chat template, ending with the assistant's turn.
	pub fn render_chat(&self, messages: &[ChatMessage]) -> Result<String> {
		self.template.render(messages)
	}

	/// The prompt tokens of a chat.
	pub fn chat_prompt(&self, messages: &[ChatMessage]) -> Result<Vec<u32>> {
		self.encode(&self.render_chat(messages)?)
	}

	/// Longest prompt + generation in tokens.
	pub fn max_context(&self) -> usize {
		self.max_context
	}

	/// Most new tokens one request may ask for.
	pub fn max_new_tokens(&self) -> usize {
		self.max_new_tokens
	}

	/// Checks a request against the limits without running anything.
	pub fn check_request(&self, request: &GenerationRequest) -> Result<()> {
		if request.prompt.is_empty() {
			return Err(EngineError::NoInputs);
		}
		if request.max_tokens == 0 || request.max_tokens > self.max_new_tokens {
			return Err(EngineError::MaxTokens {
				requested: request.max_tokens,
				max: self.max_new_tokens,
			});
		}
		if request.prompt.len().saturating_add(request.max_tokens) > self.max_context {
			return Err(EngineError::ContextExceeded {
				prompt: request.prompt.len(),
				new: request.max_tokens,
				max: self.max_context,
			});
		}
		if let Some(index) = request.prompt.iter().position(|t| *t >= self.vocab) {
			let token = request.prompt.get(index).copied().unwrap_or_default();
			return Err(EngineError::UnknownToken { index, token });
		}
		request.params.check().map_err(|e| EngineError::Sampling(format!("{e:?}")))
	}

	/// Where the first stop string starts in the text of `tokens`, if any.
	fn stop_position(&self, tokens: &[u32], stop: &[String]) -> Result<Option<usize>> {
		if stop.iter().all(String::is_empty) {
			return Ok(None);
		}
		Ok(stop_in(&self.decode(tokens)?, stop))
	}
}

/// Where the first of the `stop` strings starts in `text`, if any.
fn stop_in(text: &str, stop: &[String]) -> Option<usize> {
	stop.iter().filter(|s| !s.is_empty()).filter_map(|s| text.find(s.as_str())).min()
}

/// A loaded text-generation model.
pub struct TextModel {
	llama: Llama,
	frontend: TextFrontend,
	rule: TextRule,
	id: ModelId,
	options: TextOptions,
}

/// The digests of a single-file model: the GGUF holds weights, configuration and tokenizer,
/// so its digest stands for all three.
pub fn gguf_digests(path: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<ModelDigests> {
	let digest: Hash32 = file_digest(path, progress)?;
	Ok(ModelDigests { weights: digest, config: digest, tokenizer: Some(digest) })
}

/// What a GGUF text model outputs: tokens of its vocabulary.
pub fn gguf_output(file: &GgufFile) -> Result<OutputSpec> {
	let vocab = LlamaConfig::from_gguf(file)?.vocab;
	let vocab = u32::try_from(vocab)
		.map_err(|_| EngineError::Profile(format!("vocabulary size {vocab} is out of range")))?;
	Ok(OutputSpec::text(vocab))
}

/// [`gguf_output`] of the file at `path` (reads it).
pub fn gguf_output_at(path: &Path) -> Result<OutputSpec> {
	gguf_output(&GgufFile::read(path)?)
}

impl TextModel {
	/// Hashes and loads the GGUF file at `path` to run as `options` says; `progress(stage,
	/// done, total)` sees the hashing (`"hash"`) and the dequantization (`"load"`).
	pub fn load(
		path: &Path,
		options: TextOptions,
		progress: &mut dyn FnMut(&str, u64, u64),
	) -> Result<Self> {
		let ComparisonRule::Text(rule) = options.profile.rule else {
			return Err(EngineError::Profile("a text model needs a text comparison rule".into()));
		};
		let device = device::prepare_for(&options.profile, options.device, options.threads)?;
		let digests = gguf_digests(path, &mut |done, total| progress("hash", done, total))?;
		let file = GgufFile::read(path)?;
		let id = digests.model_id(&options.profile, &gguf_output(&file)?);
		let tokenizer = tokenizer_from_gguf(&file)?;
		let template = ChatTemplate::new(file.string("tokenizer.chat_template")?)?;
		let kind = match options.profile.dtype {
			Dtype::F32 => tch::Kind::Float,
			Dtype::F16 => tch::Kind::Half,
			Dtype::Bf16 => tch::Kind::BFloat16,
		};
		let mut llama =
			Llama::load_as(&file, device, kind, &mut |done, total| progress("load", done, total))?;
		llama.drop_last_blocks(options.skip_blocks);
		let frontend = TextFrontend::of(&file, tokenizer, template, &options)?;
		let options = TextOptions { max_context: frontend.max_context, ..options };
		Ok(Self { llama, frontend, rule, id, options })
	}

	/// The model id of the loaded file and profile.
	pub fn id(&self) -> ModelId {
		self.id
	}

	/// Refuses to serve unless the loaded model is the one the chain names.
	pub fn ensure_id(&self, expected: &ModelId) -> Result<()> {
		if &self.id != expected {
			return Err(EngineError::ModelIdMismatch {
				expected: hex(expected),
				found: hex(&self.id),
			});
		}
		Ok(())
	}

	/// The options it runs with.
	pub fn options(&self) -> &TextOptions {
		&self.options
	}

	/// The comparison rule its proofs are checked under.
	pub fn rule(&self) -> &TextRule {
		&self.rule
	}

	/// The decoder.
	pub fn llama(&self) -> &Llama {
		&self.llama
	}

	/// The tokenizer, template and limits.
	pub fn frontend(&self) -> &TextFrontend {
		&self.frontend
	}

	/// See [`TextFrontend::encode`].
	pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
		self.frontend.encode(text)
	}

	/// See [`TextFrontend::decode`].
	pub fn decode(&self, tokens: &[u32]) -> Result<String> {
		self.frontend.decode(tokens)
	}

	/// See [`TextFrontend::render_chat`].
	pub fn render_chat(&self, messages: &[ChatMessage]) -> Result<String> {
		self.frontend.render_chat(messages)
	}

	/// See [`TextFrontend::chat_prompt`].
	pub fn chat_prompt(&self, messages: &[ChatMessage]) -> Result<Vec<u32>> {
		self.frontend.chat_prompt(messages)
	}

	/// See [`TextFrontend::check_request`].
	pub fn check_request(&self, request: &GenerationRequest) -> Result<()> {
		self.frontend.check_request(request)
	}

	/// Prefills the prompt and chooses the first token.
	pub fn start(&self, request: GenerationRequest) -> Result<Sequence> {
		self.check_request(&request)?;
		let mut cache =
			self.llama.new_cache(request.prompt.len().saturating_add(request.max_tokens))?;
		let outputs = self.llama.prefill(&mut cache, &request.prompt, 1)?;
		let mut sequence = Sequence {
			request,
			cache,
			tokens: Vec::new(),
			chunk_states: Vec::new(),
			chunks: Vec::new(),
			finished: None,
			streamed: 0,
		};
		self.accept(&mut sequence, &outputs, 0)?;
		Ok(sequence)
	}

	/// Advances every unfinished sequence by one token, in one batched forward pass.
	pub fn step(&self, sequences: &mut [&mut Sequence]) -> Result<()> {
		let mut active: Vec<&mut Sequence> =
			sequences.iter_mut().map(|s| &mut **s).filter(|s| !s.is_finished()).collect();
		if active.is_empty() {
			return Ok(());
		}
		let last: Vec<u32> = active.iter().map(|s| s.tokens.last().copied().unwrap_or(0)).collect();
		let outputs = {
			let mut caches: Vec<&mut KvCache> = active.iter_mut().map(|s| &mut s.cache).collect();
			self.llama.decode(&mut caches, &last)?
		};
		for (row, sequence) in active.iter_mut().enumerate() {
			self.accept(sequence, &outputs, i64::try_from(row).unwrap_or(0))?;
		}
		Ok(())
	}

	/// Generates to the end, alone.
	pub fn generate(&self, request: GenerationRequest) -> Result<Generation> {
		let mut sequence = self.start(request)?;
		while !sequence.is_finished() {
			self.step(&mut [&mut sequence])?;
		}
		self.finish(sequence)
	}

	/// Chooses the next token of `sequence` from output row `row`, records its state, and
	/// decides whether the sequence has ended.
	fn accept(&self, sequence: &mut Sequence, outputs: &Outputs, row: i64) -> Result<()> {
		let logits = Vec::<f32>::try_from(&outputs.logits.f_select(0, row)?)?;
		let state = Vec::<f32>::try_from(&outputs.states.f_select(0, row)?)?;
		let step = u32::try_from(sequence.tokens.len()).unwrap_or(u32::MAX);
		let token = choose_token(&logits, &sequence.request.params, step).ok_or_else(|| {
			EngineError::Profile("the model produced logits that are not finite".into())
		})?;
		sequence.tokens.push(token);
		sequence.chunk_states.extend_from_slice(&state);
		if self.frontend.end_tokens.contains(&token)
			|| (!sequence.request.stop.is_empty()
				&& self.frontend.stop_position(&sequence.tokens, &sequence.request.stop)?.is_some())
		{
			sequence.finished = Some(FinishReason::Stop);
		} else if sequence.tokens.len() >= sequence.request.max_tokens
			|| sequence.cache.len() >= sequence.cache.capacity()
		{
			sequence.finished = Some(FinishReason::Length);
		}
		let hidden = state.len();
		if sequence.chunk_states.len() >= CHUNK_TOKENS.saturating_mul(hidden)
			|| sequence.is_finished()
		{
			let index = u32::try_from(sequence.chunks.len()).unwrap_or(u32::MAX);
			let offset = chunk_offset(&sequence.request.binding, index);
			let chunk =
				ChunkProof::build(&sequence.chunk_states, usize::from(self.rule.top_k), offset)
					.map_err(|e| EngineError::Profile(format!("cannot prove a chunk: {e:?}")))?;
			sequence.chunks.push(chunk);
			sequence.chunk_states.clear();
		}
		Ok(())
	}

	/// The text generated since the last call, held back while it may still become a stop
	/// string or ends inside a multi-byte character.
	pub fn take_new_text(&self, sequence: &mut Sequence) -> Result<String> {
		let mut text = self.decode(&sequence.tokens)?;
		if let Some(cut) = stop_in(&text, &sequence.request.stop) {
			text.truncate(cut);
		} else if !sequence.is_finished() {
			let mut end = text.len();
			if text.ends_with('\u{FFFD}') {
				end = end.saturating_sub('\u{FFFD}'.len_utf8());
			}
			// Hold back a tail that is the start of a stop string (only the last stop-length
			// bytes can be).
			for stop in &sequence.request.stop {
				let from = end.saturating_sub(stop.len());
				let start = text
					.char_indices()
					.map(|(start, _)| start)
					.filter(|start| *start >= from && *start < end)
					.find(|start| text.get(*start..end).is_some_and(|tail| stop.starts_with(tail)));
				if let Some(start) = start {
					end = start;
				}
			}
			text.truncate(end);
		}
		let fresh = text.get(sequence.streamed..).unwrap_or_default().to_owned();
		sequence.streamed = sequence.streamed.max(text.len());
		Ok(fresh)
	}

	/// The finished generation of `sequence`.
	pub fn finish(&self, sequence: Sequence) -> Result<Generation> {
		let mut text = self.decode(&sequence.tokens)?;
		if let Some(cut) = stop_in(&text, &sequence.request.stop) {
			text.truncate(cut);
		}
		Ok(Generation {
			proof: encode_chunks(&sequence.chunks),
			finish: sequence.finished.unwrap_or(FinishReason::Length),
			prompt_tokens: sequence.request.prompt.len(),
			tokens: sequence.tokens,
			text,
		})
	}

	/// A validator's check of a miner's `tokens` and `proof` for `request`: the tokens must
	/// end where the request says a generation ends, and one teacher-forced prefill over the
	/// prompt and the tokens must reproduce each token's choice and each chunk's proof under
	/// the model's [`TextRule`].
	pub fn verify(
		&self,
		request: &GenerationRequest,
		tokens: &[u32],
		proof: &[u8],
	) -> Result<TextVerdict> {
		self.check_request(request)?;
		let vocab = u32::try_from(self.llama.config().vocab).unwrap_or(0);
		if let Some(step) = tokens.iter().position(|t| *t >= vocab) {
			return Ok(TextVerdict::Rejected(format!("token {step} is outside the vocabulary")));
		}
		if let Some(reason) = self.ending_fault(request, tokens)? {
			return Ok(TextVerdict::Rejected(reason));
		}
		let recomputed = self.recompute(&request.prompt, tokens)?;
		let hidden = usize::try_from(self.llama.config().hidden).unwrap_or(0);
		let vocab = usize::try_from(self.llama.config().vocab).unwrap_or(0);
		let (states, logits) = (&recomputed.states, &recomputed.logits);
		Ok(
			match check_generation(
				&self.rule,
				&request.params,
				&request.binding,
				tokens,
				proof,
				states,
				hidden,
				logits,
				vocab,
			) {
				Ok(()) => TextVerdict::Accepted,
				Err(fault) => TextVerdict::Rejected(describe(&fault)),
			},
		)
	}

	/// One teacher-forced prefill over `prompt` and all but the last of `tokens`: the final
	/// hidden states and logits that chose each of `tokens`.
	pub fn recompute(&self, prompt: &[u32], tokens: &[u32]) -> Result<Recomputation> {
		let mut cache = self.llama.new_cache(prompt.len().saturating_add(tokens.len()))?;
		let mut input = prompt.to_vec();
		input.extend_from_slice(tokens.get(..tokens.len().saturating_sub(1)).unwrap_or_default());
		let outputs = self.llama.prefill(&mut cache, &input, tokens.len())?;
		Ok(Recomputation {
			states: Vec::<f32>::try_from(&outputs.states.f_flatten(0, -1)?)?,
			logits: Vec::<f32>::try_from(&outputs.logits.f_flatten(0, -1)?)?,
		})
	}

	/// Why `tokens` cannot be a whole generation for `request`, if they cannot: none, too many,
	/// tokens after an end token or a stop string, or an early end without either.
	fn ending_fault(&self, request: &GenerationRequest, tokens: &[u32]) -> Result<Option<String>> {
		let Some((last, before)) = tokens.split_last() else {
			return Ok(Some("no tokens".into()));
		};
		if tokens.len() > request.max_tokens {
			return Ok(Some(format!(
				"{} tokens where at most {} were asked for",
				tokens.len(),
				request.max_tokens
			)));
		}
		if before.iter().any(|t| self.frontend.end_tokens.contains(t)) {
			return Ok(Some("tokens continue after an end token".into()));
		}
		if self.frontend.stop_position(before, &request.stop)?.is_some() {
			return Ok(Some("tokens continue after a stop string".into()));
		}
		let ended = self.frontend.end_tokens.contains(last)
			|| self.frontend.stop_position(tokens, &request.stop)?.is_some();
		if !ended && tokens.len() < request.max_tokens {
			return Ok(Some(format!(
				"the generation stops after {} of {} tokens without an end token or stop string",
				tokens.len(),
				request.max_tokens
			)));
		}
		Ok(None)
	}
}

/// A fault in words.
fn describe(fault: &Fault) -> String {
	match fault {
		Fault::MalformedProof => "the proof is not whole chunks".into(),
		Fault::WrongChunkCount { expected, found } => {
			format!("the proof has {found} chunks where the tokens need {expected}")
		},
		Fault::Token { step, check } => format!("token {step} is not the sampling rule's choice ({check:?})"),
		Fault::Activations { chunk, check } => format!(
			"chunk {chunk}'s hidden states disagree with the proof ({} exponent mismatches, mean mantissa difference {:.3}, median {})",
			check.exponent_mismatches, check.mean_mantissa_diff, check.median_mantissa_diff
		),
		Fault::BadRecomputation => "the recomputation failed".into(),
	}
}
