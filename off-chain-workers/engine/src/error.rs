//! The engine's errors: every way loading or running a model can fail, with what to fix.

use std::path::PathBuf;

/// Why the engine refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
	/// A model file could not be read.
	#[error("cannot read {path}: {source}")]
	Io {
		/// The file.
		path: PathBuf,
		/// The system error.
		source: std::io::Error,
	},
	/// The model's config is missing fields, or describes a model this engine does not run.
	#[error("model config {path}: {message}")]
	Config {
		/// The config file.
		path: PathBuf,
		/// What is wrong.
		message: String,
	},
	/// The weights file is not a readable safetensors file (corrupt, truncated, wrong format).
	#[error("weights {path}: {message}")]
	Weights {
		/// The weights file.
		path: PathBuf,
		/// What the reader said.
		message: String,
	},
	/// The weights lack a tensor the architecture needs.
	#[error("the weights have no tensor `{0}`")]
	MissingTensor(String),
	/// A tensor's shape does not match the config.
	#[error("tensor `{name}` has shape {found:?} where the config needs {expected:?}")]
	ShapeMismatch {
		/// Tensor name.
		name: String,
		/// Shape the config implies.
		expected: Vec<i64>,
		/// Shape in the file.
		found: Vec<i64>,
	},
	/// The tokenizer file could not be loaded.
	#[error("tokenizer {path}: {message}")]
	Tokenizer {
		/// The tokenizer file.
		path: PathBuf,
		/// What the tokenizer library said.
		message: String,
	},
	/// The files are not the model the chain names.
	#[error(
		"model id mismatch: the chain expects 0x{expected}, these files and profile are 0x{found}"
	)]
	ModelIdMismatch {
		/// The id the chain holds (hex).
		expected: String,
		/// The id of the local files (hex).
		found: String,
	},
	/// A request with no inputs.
	#[error("the request has no inputs")]
	NoInputs,
	/// One input is the empty string.
	#[error("input {index} is empty")]
	EmptyInput {
		/// Position of the input in the request.
		index: usize,
	},
	/// One input is longer than the model accepts (it is refused, never silently truncated:
	/// a validator must be able to re-run exactly what the miner ran).
	#[error("input {index} has {tokens} tokens; the model accepts at most {max}")]
	InputTooLong {
		/// Position of the input in the request.
		index: usize,
		/// Its token count (with special tokens).
		tokens: usize,
		/// The model's limit.
		max: usize,
	},
	/// More inputs in one request than the engine accepts.
	#[error("the request has {len} inputs; at most {max} are accepted")]
	TooManyInputs {
		/// Inputs in the request.
		len: usize,
		/// The limit.
		max: usize,
	},
	/// The requested device cannot be used on this host.
	#[error("device {device} is unavailable: {reason}")]
	DeviceUnavailable {
		/// The device asked for.
		device: String,
		/// Why it cannot be used.
		reason: String,
	},
	/// The engine options contradict the model's runtime profile.
	#[error("runtime profile: {0}")]
	Profile(String),
	/// libtorch reported an error.
	#[error("libtorch: {0}")]
	Torch(#[from] tch::TchError),
	/// The batching thread has stopped (the engine is shutting down).
	#[error("the engine has stopped")]
	Stopped,
	/// Too many public requests are waiting; retry later.
	#[error("the engine is busy: too many requests are waiting")]
	Busy,
	/// The chat template does not compile or render.
	#[error("chat template: {0}")]
	Template(String),
	/// A chat message has a role the template does not know.
	#[error("message {index} has role `{role}`; the roles are system, user and assistant")]
	UnknownRole {
		/// Position of the message.
		index: usize,
		/// Its role.
		role: String,
	},
	/// The prompt and the tokens asked for do not fit the context.
	#[error(
		"the prompt has {prompt} tokens and {new} more are asked for; the context holds {max}"
	)]
	ContextExceeded {
		/// Prompt tokens.
		prompt: usize,
		/// New tokens asked for.
		new: usize,
		/// The context limit.
		max: usize,
	},
	/// `max_tokens` is 0 or above the limit.
	#[error("max_tokens is {requested}; it must be from 1 to {max}")]
	MaxTokens {
		/// Asked for.
		requested: usize,
		/// The limit.
		max: usize,
	},
	/// A prompt token id outside the vocabulary.
	#[error("prompt token {index} has id {token}, outside the vocabulary")]
	UnknownToken {
		/// Its position.
		index: usize,
		/// Its id.
		token: u32,
	},
	/// Sampling parameters out of range.
	#[error("sampling parameters: {0}")]
	Sampling(String),
}

/// Results of the engine.
pub type Result<T, E = EngineError> = std::result::Result<T, E>;
