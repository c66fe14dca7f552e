//! The OpenAI-compatible text APIs miners serve — `POST /v1/chat/completions` and
//! `POST /v1/completions`, streamed as server-sent events when `stream` is true — and the
//! `inferchain` field each answer carries: the generated token ids, the proof, the sampling
//! parameters (with the seed the miner drew when the client gave none) and the signed receipt.
//! Unknown request fields are ignored, as OpenAI's clients send many.

use crate::openai::ReceiptJson;
use inferchain_engine::ChatMessage;
use inferchain_inference::SamplingParams;
use serde::{Deserialize, Serialize};

/// A message's `content`: a string, or a list of parts of which the text parts count.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Content {
	/// Plain text.
	Text(String),
	/// Content parts (`{"type": "text", "text": …}`).
	Parts(Vec<ContentPart>),
}

/// One content part.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct ContentPart {
	/// `text` (other kinds are refused).
	#[serde(rename = "type")]
	pub kind: String,
	/// The text of a text part.
	#[serde(default)]
	pub text: Option<String>,
}

/// One message of a chat request.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct RequestMessage {
	/// `system`, `user` or `assistant` (`developer` is read as `system`).
	pub role: String,
	/// The text.
	pub content: Content,
}

/// `stop`: one string or a list.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Stop {
	/// One stop string.
	One(String),
	/// Several (OpenAI allows up to 4).
	Many(Vec<String>),
}

/// `stream_options`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct StreamOptions {
	/// Send a last chunk with the token counts.
	#[serde(default)]
	pub include_usage: bool,
}

/// The sampling fields both APIs share.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct Sampling {
	/// 0 to 2; 0 is greedy. Default 1.
	#[serde(default)]
	pub temperature: Option<f64>,
	/// Nucleus mass, (0, 1]. Default 1.
	#[serde(default)]
	pub top_p: Option<f64>,
	/// Seed of the draws (when absent, one drawn from the request itself:
	/// `inferchain_inference::request_seed`; returned with the answer).
	#[serde(default)]
	pub seed: Option<u64>,
	/// Strings that end the generation.
	#[serde(default)]
	pub stop: Option<Stop>,
	/// Stream the answer as server-sent events.
	#[serde(default)]
	pub stream: Option<bool>,
	/// Streaming options.
	#[serde(default)]
	pub stream_options: Option<StreamOptions>,
	/// Choices wanted: only 1 is served.
	#[serde(default)]
	pub n: Option<u32>,
	/// Log probabilities: not served (refused when asked for).
	#[serde(default)]
	pub logprobs: Option<serde_json::Value>,
}

/// `POST /v1/chat/completions`.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ChatRequest {
	/// The model: its name or its `0x` model id.
	pub model: String,
	/// The conversation.
	pub messages: Vec<RequestMessage>,
	/// Most new tokens (OpenAI's newer name).
	#[serde(default)]
	pub max_completion_tokens: Option<u32>,
	/// Most new tokens.
	#[serde(default)]
	pub max_tokens: Option<u32>,
	/// Sampling and streaming.
	#[serde(flatten)]
	pub sampling: Sampling,
}

/// `prompt`: one string, or a list holding exactly one.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Prompt {
	/// One prompt.
	One(String),
	/// A list of prompts (one is served).
	Many(Vec<String>),
}

/// `POST /v1/completions`.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct CompletionRequest {
	/// The model: its name or its `0x` model id.
	pub model: String,
	/// The text to continue.
	pub prompt: Prompt,
	/// Most new tokens (OpenAI's default: 16).
	#[serde(default)]
	pub max_tokens: Option<u32>,
	/// Echo the prompt: not served (refused when true).
	#[serde(default)]
	pub echo: Option<bool>,
	/// Sampling and streaming.
	#[serde(flatten)]
	pub sampling: Sampling,
}

/// A refusal of a request's fields: the message and the parameter at fault.
#[derive(Clone, Debug, PartialEq)]
pub struct BadRequest {
	/// What is wrong.
	pub message: String,
	/// The offending parameter.
	pub param: &'static str,
}

/// The longest stop string, in bytes.
pub const MAX_STOP_BYTES: usize = 256;

fn bad(param: &'static str, message: impl Into<String>) -> BadRequest {
	BadRequest { message: message.into(), param }
}

impl Sampling {
	/// The sampling rule's parameters (`seed` drawn by the caller when absent), after checking
	/// the ranges and the unsupported options.
	pub fn params(&self, drawn_seed: u64) -> Result<SamplingParams, BadRequest> {
		if self.n.is_some_and(|n| n != 1) {
			return Err(bad("n", "only n = 1 is served"));
		}
		if self
			.logprobs
			.as_ref()
			.is_some_and(|v| !matches!(v, serde_json::Value::Null | serde_json::Value::Bool(false)))
		{
			return Err(bad("logprobs", "log probabilities are not served"));
		}
		let temperature = self.temperature.unwrap_or(1.0);
		if !(0.0..=2.0).contains(&temperature) {
			return Err(bad("temperature", format!("temperature {temperature} is outside 0 to 2")));
		}
		let top_p = self.top_p.unwrap_or(1.0);
		if !(top_p > 0.0 && top_p <= 1.0) {
			return Err(bad("top_p", format!("top_p {top_p} is outside (0, 1]")));
		}
		// Milli-units: what the chain stores and the rule reads.
		let params = SamplingParams {
			temperature_milli: (temperature * 1000.0).round() as u32,
			top_p_milli: ((top_p * 1000.0).round() as u32).max(1),
			seed: self.seed.unwrap_or(drawn_seed),
		};
		Ok(params)
	}

	/// The stop strings (at most 4, none empty, each at most [`MAX_STOP_BYTES`] bytes).
	pub fn stop_strings(&self) -> Result<Vec<String>, BadRequest> {
		let stop = match &self.stop {
			None => vec![],
			Some(Stop::One(one)) => vec![one.clone()],
			Some(Stop::Many(many)) => many.clone(),
		};
		if stop.len() > 4 {
			return Err(bad("stop", "at most 4 stop strings"));
		}
		if stop.iter().any(String::is_empty) {
			return Err(bad("stop", "stop strings must not be empty"));
		}
		if stop.iter().any(|s| s.len() > MAX_STOP_BYTES) {
			return Err(bad("stop", format!("stop strings are at most {MAX_STOP_BYTES} bytes")));
		}
		Ok(stop)
	}

	/// Whether to stream, and whether to end the stream with the token counts.
	pub fn streaming(&self) -> (bool, bool) {
		let stream = self.stream.unwrap_or(false);
		(stream, stream && self.stream_options.as_ref().is_some_and(|o| o.include_usage))
	}
}

impl ChatRequest {
	/// The messages as the chat template takes them.
	pub fn chat_messages(&self) -> Result<Vec<ChatMessage>, BadRequest> {
		if self.messages.is_empty() {
			return Err(bad("messages", "messages must not be empty"));
		}
		self.messages
			.iter()
			.map(|message| {
				let role =
					if message.role == "developer" { "system" } else { message.role.as_str() };
				let content = match &message.content {
					Content::Text(text) => text.clone(),
					Content::Parts(parts) => {
						let mut text = String::new();
						for part in parts {
							match (part.kind.as_str(), &part.text) {
								("text", Some(part)) => text.push_str(part),
								(kind, _) => {
									return Err(bad(
										"messages",
										format!("content parts of type `{kind}` are not served"),
									))
								},
							}
						}
						text
					},
				};
				Ok(ChatMessage::new(role, &content))
			})
			.collect()
	}
}

impl CompletionRequest {
	/// The one prompt.
	pub fn prompt_text(&self) -> Result<&str, BadRequest> {
		if self.echo == Some(true) {
			return Err(bad("echo", "echo is not served"));
		}
		let text = match &self.prompt {
			Prompt::One(one) => one.as_str(),
			Prompt::Many(many) if many.len() == 1 => {
				many.first().map(String::as_str).unwrap_or_default()
			},
			Prompt::Many(_) => {
				return Err(bad("prompt", "exactly one prompt is served per request"))
			},
		};
		if text.trim().is_empty() {
			return Err(bad("prompt", "the prompt must not be empty"));
		}
		Ok(text)
	}
}

/// Token counts.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
pub struct TextUsage {
	/// Prompt tokens.
	pub prompt_tokens: usize,
	/// Generated tokens.
	pub completion_tokens: usize,
	/// Both.
	pub total_tokens: usize,
}

/// Inferchain's addition to a text answer: what a validator needs to check it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct TextProof {
	/// The prompt's token ids (the rendered chat template, or the completion prompt).
	pub prompt_tokens: Vec<u32>,
	/// Every generated token id (an end token included).
	pub tokens: Vec<u32>,
	/// The TOPLOC-style proof, base64.
	pub proof: String,
	/// The sampling parameters used (the seed included).
	pub sampling: SamplingParams,
	/// The most new tokens the request allowed.
	pub max_tokens: u32,
	/// The stop strings.
	pub stop: Vec<String>,
	/// The signed receipt: `text_request_hash` of the above, `generation_commitment` of the
	/// tokens and proof.
	pub receipt: ReceiptJson,
}

/// The assistant's message.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct AssistantMessage {
	/// Always `assistant`.
	pub role: String,
	/// The text.
	pub content: String,
}

/// One choice of a chat answer.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct ChatChoice {
	/// Always 0.
	pub index: u32,
	/// The answer.
	pub message: AssistantMessage,
	/// `stop` or `length`.
	pub finish_reason: String,
	/// Always null.
	pub logprobs: Option<serde_json::Value>,
}

/// `chat.completion`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct ChatResponse {
	/// `chatcmpl-…`.
	pub id: String,
	/// `chat.completion`.
	pub object: String,
	/// Unix seconds.
	pub created: u64,
	/// The model's name.
	pub model: String,
	/// One choice.
	pub choices: Vec<ChatChoice>,
	/// Token counts.
	pub usage: TextUsage,
	/// The proof and receipt.
	pub inferchain: TextProof,
}

/// One choice of a completion.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct CompletionChoice {
	/// The generated text.
	pub text: String,
	/// Always 0.
	pub index: u32,
	/// `stop` or `length`.
	pub finish_reason: String,
	/// Always null.
	pub logprobs: Option<serde_json::Value>,
}

/// `text_completion`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct CompletionResponse {
	/// `cmpl-…`.
	pub id: String,
	/// `text_completion`.
	pub object: String,
	/// Unix seconds.
	pub created: u64,
	/// The model's name.
	pub model: String,
	/// One choice.
	pub choices: Vec<CompletionChoice>,
	/// Token counts.
	pub usage: TextUsage,
	/// The proof and receipt.
	pub inferchain: TextProof,
}

#[cfg(test)]
mod tests {
	use super::*;

	fn sampling(json: &str) -> Sampling {
		serde_json::from_str(json).unwrap()
	}

	#[test]
	fn openai_requests_parse_with_unknown_fields() {
		let chat: ChatRequest = serde_json::from_str(
			r#"{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"developer","content":[{"type":"text","text":"be brief"}]}],
			"max_completion_tokens":5,"temperature":0.7,"stream":true,"stream_options":{"include_usage":true},
			"frequency_penalty":0,"user":"x","tools":null}"#,
		)
		.unwrap();
		assert_eq!(chat.max_completion_tokens, Some(5));
		assert_eq!(chat.sampling.streaming(), (true, true));
		let messages = chat.chat_messages().unwrap();
		assert_eq!(messages[1], ChatMessage::new("system", "be brief"));
		let completion: CompletionRequest =
			serde_json::from_str(r#"{"model":"m","prompt":["Once"],"stop":"\n","seed":3}"#)
				.unwrap();
		assert_eq!(completion.prompt_text().unwrap(), "Once");
		assert_eq!(completion.sampling.stop_strings().unwrap(), vec!["\n".to_string()]);
		assert_eq!(completion.sampling.params(9).unwrap().seed, 3);
	}

	#[test]
	fn sampling_fields_become_the_rule_parameters() {
		let params = sampling(r#"{"temperature":0.7,"top_p":0.95}"#).params(5).unwrap();
		assert_eq!(params, SamplingParams { temperature_milli: 700, top_p_milli: 950, seed: 5 });
		assert_eq!(sampling("{}").params(1).unwrap().temperature_milli, 1000);
		assert!(sampling(r#"{"temperature":0}"#).params(1).unwrap().is_greedy());
	}

	#[test]
	fn bad_fields_name_their_parameter() {
		let param = |json: &str| sampling(json).params(0).unwrap_err().param;
		assert_eq!(param(r#"{"temperature":2.5}"#), "temperature");
		assert_eq!(param(r#"{"top_p":0}"#), "top_p");
		assert_eq!(param(r#"{"n":2}"#), "n");
		assert_eq!(param(r#"{"logprobs":true}"#), "logprobs");
		assert_eq!(
			sampling(r#"{"stop":["a","b","c","d","e"]}"#).stop_strings().unwrap_err().param,
			"stop"
		);
		let chat: ChatRequest = serde_json::from_str(r#"{"model":"m","messages":[]}"#).unwrap();
		assert_eq!(chat.chat_messages().unwrap_err().param, "messages");
		let image: ChatRequest = serde_json::from_str(
			r#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}"#,
		)
		.unwrap();
		assert_eq!(image.chat_messages().unwrap_err().param, "messages");
		let two: CompletionRequest =
			serde_json::from_str(r#"{"model":"m","prompt":["a","b"]}"#).unwrap();
		assert_eq!(two.prompt_text().unwrap_err().param, "prompt");
	}
}
