//! The tokenizer of a GGUF file, built with the `tokenizers` crate from the file's metadata:
//! a byte-level BPE (`tokenizer.ggml.model = "gpt2"`) from `tokenizer.ggml.tokens` and
//! `tokenizer.ggml.merges`, the control tokens (`token_type` 3) as special tokens, and the
//! pre-tokenizer `tokenizer.ggml.pre` names (`smollm`: single digits, then GPT-2's byte-level
//! split; `gpt2`/`default`: the byte-level split alone).

use crate::{
	error::{EngineError, Result},
	gguf::GgufFile,
};
use tokenizers::{
	decoders::byte_level::ByteLevel as ByteLevelDecoder,
	models::bpe::BPE,
	pre_tokenizers::{
		byte_level::ByteLevel, digits::Digits, sequence::Sequence, PreTokenizerWrapper,
	},
	AddedToken, Tokenizer,
};

/// GGUF's token type of control tokens (`<|im_start|>`, `<|endoftext|>`, …).
const CONTROL: i32 = 3;

/// The tokenizer `file` describes.
pub fn tokenizer_from_gguf(file: &GgufFile) -> Result<Tokenizer> {
	let error =
		|message: String| EngineError::Tokenizer { path: file.path().to_path_buf(), message };
	let model = file.string("tokenizer.ggml.model")?;
	if model != "gpt2" {
		return Err(error(format!(
			"tokenizer model `{model}` is not supported (only `gpt2` byte-level BPE)"
		)));
	}
	let tokens = file.strings("tokenizer.ggml.tokens")?;
	let types = file.integers("tokenizer.ggml.token_type").unwrap_or_default();
	let merges = file
		.strings("tokenizer.ggml.merges")?
		.into_iter()
		.map(|merge| {
			merge
				.split_once(' ')
				.map(|(a, b)| (a.to_owned(), b.to_owned()))
				.ok_or_else(|| error(format!("merge `{merge}` is not two tokens")))
		})
		.collect::<Result<Vec<_>>>()?;
	let vocab: tokenizers::models::bpe::Vocab = tokens
		.iter()
		.enumerate()
		.map(|(id, token)| (token.clone(), u32::try_from(id).unwrap_or(u32::MAX)))
		.collect();
	if vocab.len() != tokens.len() {
		return Err(error("the vocabulary repeats a token".into()));
	}
	let bpe =
		BPE::builder().vocab_and_merges(vocab, merges).build().map_err(|e| error(e.to_string()))?;
	let pre = file.string("tokenizer.ggml.pre").unwrap_or_else(|_| "default".into());
	let byte_level = ByteLevel::new(false, false, true);
	let pre_tokenizer: PreTokenizerWrapper = match pre.as_str() {
		"smollm" => Sequence::new(vec![Digits::new(true).into(), byte_level.into()]).into(),
		"gpt2" | "default" => byte_level.into(),
		other => return Err(error(format!("pre-tokenizer `{other}` is not supported"))),
	};
	let mut tokenizer = Tokenizer::new(bpe);
	tokenizer.with_pre_tokenizer(Some(pre_tokenizer));
	tokenizer.with_decoder(Some(ByteLevelDecoder::default()));
	let added: Vec<AddedToken> = tokens
		.iter()
		.zip(types.iter().copied().chain(std::iter::repeat(1)))
		.filter(|(_, kind)| *kind == CONTROL)
		.map(|(token, _)| AddedToken::from(token.clone(), true))
		.collect();
	tokenizer.add_special_tokens(&added);
	Ok(tokenizer)
}
