//! Chat prompts: messages rendered with the model's own chat template (the Jinja template in
//! GGUF's `tokenizer.chat_template`, rendered with `minijinja` as Hugging Face renders it).

use crate::error::{EngineError, Result};
use serde::{Deserialize, Serialize};

/// The roles a chat message may have.
pub const ROLES: [&str; 3] = ["system", "user", "assistant"];

/// One chat message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
	/// `system`, `user` or `assistant`.
	pub role: String,
	/// The text.
	pub content: String,
}

impl ChatMessage {
	/// A message from `role`.
	pub fn new(role: &str, content: &str) -> Self {
		Self { role: role.into(), content: content.into() }
	}
}

/// A model's chat template.
#[derive(Clone, Debug)]
pub struct ChatTemplate {
	source: String,
}

impl ChatTemplate {
	/// The template `source` (Jinja), checked to compile.
	pub fn new(source: String) -> Result<Self> {
		let template = Self { source };
		template.environment()?;
		Ok(template)
	}

	fn environment(&self) -> Result<minijinja::Environment<'_>> {
		let mut environment = minijinja::Environment::new();
		environment
			.add_template("chat", &self.source)
			.map_err(|e| EngineError::Template(e.to_string()))?;
		Ok(environment)
	}

	/// The prompt for `messages`, ending with the assistant's turn: refuses no messages, an
	/// unknown role and empty content.
	pub fn render(&self, messages: &[ChatMessage]) -> Result<String> {
		if messages.is_empty() {
			return Err(EngineError::NoInputs);
		}
		for (index, message) in messages.iter().enumerate() {
			if !ROLES.contains(&message.role.as_str()) {
				return Err(EngineError::UnknownRole { index, role: message.role.clone() });
			}
			if message.content.trim().is_empty() {
				return Err(EngineError::EmptyInput { index });
			}
		}
		let environment = self.environment()?;
		let template =
			environment.get_template("chat").map_err(|e| EngineError::Template(e.to_string()))?;
		template
			.render(minijinja::context! { messages => messages, add_generation_prompt => true })
			.map_err(|e| EngineError::Template(e.to_string()))
	}
}
