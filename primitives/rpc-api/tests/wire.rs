//! The JSON every client sees: field names, enum values, decimal balances and hex bytes.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use inferchain_rpc_api::{
	EndpointJson, Hex, MarketJson, NeuronJson, NeuronRole, ProtocolJson, RequestId, RequestState,
	ResultJson, Verification,
};
use serde_json::json;

#[test]
fn a_result_reads_and_writes_the_same_json() {
	let json = json!({
		"requestId": 7, "status": "challenged", "miner": "5F", "output": null,
		"tokens": [1, 2], "proof": "0x0102", "outputCommitment": format!("0x{}", "09".repeat(32)),
		"submittedAt": 5, "challengeUntil": 30, "auditsPassed": 1, "challengesPassed": 0
	});
	let result: ResultJson = serde_json::from_value(json.clone()).unwrap();
	assert_eq!(result.request_id, RequestId(7));
	assert_eq!(result.status, Verification::Challenged);
	assert_eq!(result.proof, Some(Hex(vec![1, 2])));
	assert_eq!(result.output_commitment, Some(Hex([9; 32])));
	assert_eq!(serde_json::to_value(&result).unwrap(), json);
}

#[test]
fn statuses_are_camel_case_words() {
	assert_eq!(serde_json::to_value(RequestState::UnderReview).unwrap(), "underReview");
	assert_eq!(serde_json::to_value(Verification::Final).unwrap(), "final");
	for state in [RequestState::Queued, RequestState::UnderReview, RequestState::Expired] {
		assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
	}
	for status in [Verification::Pending, Verification::Audited, Verification::Challenged] {
		assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
	}
	assert!(Verification::Expired.is_settled());
	assert!(!Verification::Audited.is_settled());
	assert!(serde_json::from_value::<Verification>(json!("Final")).is_err());
}

#[test]
fn balances_are_decimal_strings_and_wrong_hex_is_refused() {
	let market = MarketJson {
		request_fee: u128::MAX,
		audit_probability: 100_000_000,
		new_miner_audit_probability: 500_000_000,
		input_byte_fee: 3,
		output_token_fee: 5,
		max_output_tokens: 256,
	};
	let json = serde_json::to_value(&market).unwrap();
	assert_eq!(json["requestFee"], u128::MAX.to_string());
	assert_eq!(serde_json::from_value::<MarketJson>(json).unwrap(), market);
	assert!(serde_json::from_value::<Hex<[u8; 32]>>(json!("0x0102")).is_err());
	assert!(serde_json::from_value::<Hex<Vec<u8>>>(json!("0xzz")).is_err());
	assert!(serde_json::from_value::<MarketJson>(json!({"requestFee": 10})).is_err());
}

#[test]
fn a_text_request_holds_its_prompt_and_most_tokens() {
	let market = MarketJson {
		request_fee: 100,
		audit_probability: 0,
		new_miner_audit_probability: 0,
		input_byte_fee: 2,
		output_token_fee: 7,
		max_output_tokens: 256,
	};
	assert_eq!(market.held_fee(None), 100);
	assert_eq!(market.held_fee(Some((10, 4))), 100 + 20 + 28);
}

#[test]
fn endpoints_become_urls() {
	let endpoint =
		|ip: &str, protocol| EndpointJson { ip: ip.into(), port: 8080, protocol, updated_at: 0 };
	let url = |ip, protocol| endpoint(ip, protocol).base_url();
	assert_eq!(url("127.0.0.1", ProtocolJson::Http).as_deref(), Some("http://127.0.0.1:8080"));
	assert_eq!(url("::1", ProtocolJson::Https).as_deref(), Some("https://[::1]:8080"));
	assert_eq!(url("127.0.0.1", ProtocolJson::Grpc), None);
	assert_eq!(url("nonsense", ProtocolJson::Http), None);
}

#[test]
fn a_neuron_parses_from_the_nodes_json() {
	let neuron: NeuronJson = serde_json::from_value(json!({
		"uid": 1, "hotkey": "5H", "coldkey": "5C", "stake": "100000000000000",
		"validatorPermit": true, "role": "validator", "registeredAt": 3, "pruningScore": 0,
		"ownerNeuron": false,
		"endpoint": {"ip": "127.0.0.1", "port": 9, "protocol": "http", "updatedAt": 4}
	}))
	.unwrap();
	assert_eq!(neuron.stake, 100_000_000_000_000);
	assert_eq!(neuron.role, NeuronRole::Validator);
	assert_eq!(neuron.endpoint.unwrap().protocol, ProtocolJson::Http);
}
