//! Inferchain's inference engine on libtorch (`tch`).
//!
//! - [`EmbeddingModel`]: a sentence-embedding model (BERT family, e.g. all-MiniLM-L6-v2) from
//!   `model.safetensors` + `config.json` + `tokenizer.json`, its forward pass written with
//!   libtorch operations ([`bert`]);
//! - [`TextModel`]: a Llama-architecture causal LM (e.g. SmolLM2-135M-Instruct) from one GGUF
//!   file ([`gguf`], [`llama`], [`gguf_tokenizer`], [`chat`]): chat templates, greedy and seeded
//!   sampling, batched decoding with KV caches, TOPLOC-style proofs, and the validator's check
//!   by one teacher-forced prefill ([`text`]);
//! - [`TorchScriptModel`]: any TorchScript module file;
//! - model ids computed from every byte of the files and the runtime profile, and a refusal to
//!   serve files whose id differs from the chain's ([`EmbeddingModel::ensure_id`]);
//! - CPU and CUDA devices, deterministic mode ([`device`]), dynamic batching ([`Batcher`]);
//! - outputs committed to under the model's comparison rule (`inferchain-inference`).
//!
//! The node never links this crate; only the workers do.

pub mod batcher;
pub mod bert;
pub mod chat;
pub mod device;
pub mod digest;
pub mod embedder;
pub mod error;
pub mod gguf;
pub mod gguf_tokenizer;
pub mod llama;
pub mod queue;
pub mod text;
pub mod text_engine;
pub mod torchscript;

pub use batcher::{BatchOptions, Batcher};
pub use chat::ChatMessage;
pub use device::DeviceChoice;
pub use embedder::{hex, EmbeddingModel, Embeddings, EngineOptions, ModelFiles};
pub use error::{EngineError, Result};
pub use queue::Lane;
pub use text::{
	gguf_output, gguf_output_at, FinishReason, Generation, GenerationRequest, Sequence,
	TextFrontend, TextModel, TextOptions, TextVerdict,
};
pub use text_engine::{TextEngine, TextEngineOptions, TextEvent};
pub use torchscript::TorchScriptModel;
