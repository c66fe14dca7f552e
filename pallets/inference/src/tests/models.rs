//! `register_model` and `set_market_params`.

use super::*;

/// Digests of another model's files.
const OTHER: inferchain_inference::ModelDigests = inferchain_inference::ModelDigests {
	weights: [8; 32],
	config: [8; 32],
	tokenizer: Some([8; 32]),
};

#[test]
fn register_model_computes_the_id_holds_the_deposit_and_records_the_model() {
	new_test_ext().execute_with(|| {
		assert_ok!(Inference::register_model(RuntimeOrigin::signed(DAVE), OTHER, metadata()));
		let id = OTHER.model_id(&metadata().profile, &metadata().output());
		let model = crate::Models::<Test>::get(id).unwrap();
		assert_eq!((model.owner, model.deposit, model.metadata), (DAVE, DEPOSIT, metadata()));
		assert_eq!(model.digests, OTHER);
		assert_eq!(
			Balances::balance_on_hold(&crate::HoldReason::ModelDeposit.into(), &DAVE),
			DEPOSIT
		);
		assert_eq!(last_event(), Event::ModelRegistered { model_id: id, owner: DAVE });
		check_invariants();
	});
}

#[test]
fn a_squatter_cannot_bind_a_models_id_to_another_rule() {
	new_test_ext().execute_with(|| {
		// The subnet's files registered again with a looser rule: a different id, so the
		// subnet's model (and every honest result under its rule) is untouched.
		let mut loose = metadata();
		loose.profile = inferchain_inference::RuntimeProfile::tolerant(u32::MAX);
		let loose_id = DIGESTS.model_id(&loose.profile, &loose.output());
		assert_ok!(Inference::register_model(RuntimeOrigin::signed(DAVE), DIGESTS, loose));
		assert_ne!(loose_id, model());
		assert_eq!(crate::Models::<Test>::get(model()).unwrap().metadata, metadata());
		let (id, _) = answered(&honest_output());
		assert_eq!(status(id), RequestStatus::Answered { challenge_until: 2 + WINDOW });
	});
}

#[test]
fn a_squatter_cannot_bind_a_models_id_to_another_output_shape() {
	new_test_ext().execute_with(|| {
		// The subnet's files registered again with another dimension or kind: different ids,
		// so the subnet's model (and every honest result of its shape) is untouched.
		let text =
			inferchain_inference::RuntimeProfile::text_cpu(inferchain_inference::TextRule::CPU_F32);
		for (kind, output_dim, profile) in
			[(TaskKind::Embedding, 4, metadata().profile), (TaskKind::TextGeneration, 3, text)]
		{
			let squatted = ModelMetadata { kind, output_dim, profile, ..metadata() };
			let squatted_id = DIGESTS.model_id(&squatted.profile, &squatted.output());
			assert_ok!(Inference::register_model(RuntimeOrigin::signed(DAVE), DIGESTS, squatted));
			assert_ne!(squatted_id, model());
		}
		assert_eq!(crate::Models::<Test>::get(model()).unwrap().metadata, metadata());
		let (id, _) = answered(&honest_output());
		assert_eq!(status(id), RequestStatus::Answered { challenge_until: 2 + WINDOW });
	});
}

#[test]
fn register_model_rejects_bad_input_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let before = market_state();
		let register = |who, digests, metadata| {
			Inference::register_model(RuntimeOrigin::signed(who), digests, metadata)
		};
		assert_noop!(register(DAVE, DIGESTS, metadata()), Error::<Test>::ModelAlreadyRegistered);
		let mut unnamed = metadata();
		unnamed.name = BoundedVec::new();
		assert_noop!(register(DAVE, OTHER, unnamed), Error::<Test>::InvalidModelName);
		let mut garbled = metadata();
		garbled.name = BoundedVec::truncate_from(vec![0xff, 0xfe]);
		assert_noop!(register(DAVE, OTHER, garbled), Error::<Test>::InvalidModelName);
		assert_noop!(register(POOR, OTHER, metadata()), Error::<Test>::InsufficientBalance);
		// No output, or vectors no result could hold.
		let too_long =
			<<Test as crate::Config>::MaxOutputLen as frame_support::traits::Get<u32>>::get() / 4
				+ 1;
		for output_dim in [0, too_long] {
			let shapeless = ModelMetadata { output_dim, ..metadata() };
			assert_noop!(register(DAVE, OTHER, shapeless), Error::<Test>::InvalidOutputDim);
		}
		let no_vocabulary =
			ModelMetadata { kind: TaskKind::TextGeneration, output_dim: 0, ..metadata() };
		assert_noop!(register(DAVE, OTHER, no_vocabulary), Error::<Test>::InvalidOutputDim);
		// The id of an all-zero tokenizer digest is the id of no tokenizer: refused.
		let zero = inferchain_inference::ModelDigests { tokenizer: Some([0; 32]), ..DIGESTS };
		assert_noop!(register(DAVE, zero, metadata()), Error::<Test>::InvalidDigests);
		assert_noop!(
			Inference::register_model(RuntimeOrigin::root(), OTHER, metadata()),
			DispatchError::BadOrigin
		);
		assert_eq!(market_state(), before);
	});
}

#[test]
fn an_unused_model_is_deregistered_and_its_deposit_returned() {
	new_test_ext().execute_with(|| {
		assert_ok!(Inference::register_model(RuntimeOrigin::signed(DAVE), OTHER, metadata()));
		let id = OTHER.model_id(&metadata().profile, &metadata().output());
		let free = Balances::free_balance(DAVE);
		assert_ok!(Inference::deregister_model(RuntimeOrigin::signed(DAVE), id));
		assert!(!crate::Models::<Test>::contains_key(id));
		assert_eq!(Balances::free_balance(DAVE), free + DEPOSIT);
		assert_eq!(
			last_event(),
			Event::ModelDeregistered { model_id: id, owner: DAVE, refunded: DEPOSIT }
		);
		check_invariants();
	});
}

#[test]
fn deregister_model_rejects_strangers_unknown_and_used_models_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(Inference::register_model(RuntimeOrigin::signed(DAVE), OTHER, metadata()));
		let id = OTHER.model_id(&metadata().profile, &metadata().output());
		let before = market_state();
		let deregister = |who, id| Inference::deregister_model(RuntimeOrigin::signed(who), id);
		assert_noop!(deregister(ALICE, id), Error::<Test>::NotModelOwner);
		assert_noop!(deregister(DAVE, [0; 32]), Error::<Test>::UnknownModel);
		// Subnet 0's task names the model ALICE registered.
		assert_noop!(deregister(ALICE, model()), Error::<Test>::ModelInUse);
		assert_noop!(
			Inference::deregister_model(RuntimeOrigin::root(), id),
			DispatchError::BadOrigin
		);
		assert_eq!(market_state(), before);
	});
}

#[test]
fn the_owner_sets_market_params() {
	new_test_ext().execute_with(|| {
		let params = MarketParams {
			request_fee: 250,
			audit_probability: Perbill::from_percent(5),
			new_miner_audit_probability: Perbill::from_percent(40),
			..Market::get()
		};
		assert_ok!(Inference::set_market_params(RuntimeOrigin::signed(ALICE), NET, params));
		assert_eq!(Inference::market(NET), params);
		assert_eq!(last_event(), Event::MarketParamsSet { netuid: NET, params });
		// The fee a request pays follows.
		let input = BoundedVec::truncate_from(b"hello".to_vec());
		assert_noop!(
			Inference::submit_request(RuntimeOrigin::signed(DAPP), NET, input.clone(), 249),
			Error::<Test>::FeeAboveMax
		);
		assert_ok!(Inference::submit_request(RuntimeOrigin::signed(DAPP), NET, input, 250));
		check_invariants();
	});
}

#[test]
fn set_market_params_rejects_bad_input_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let before = market_state();
		let good = MarketParams {
			request_fee: FEE,
			audit_probability: Perbill::from_percent(5),
			new_miner_audit_probability: Perbill::from_percent(5),
			..Market::get()
		};
		let set = |origin, netuid, params| Inference::set_market_params(origin, netuid, params);
		assert_noop!(set(RuntimeOrigin::signed(DAVE), NET, good), Error::<Test>::NotSubnetOwner);
		assert_noop!(set(RuntimeOrigin::root(), NetUid(9), good), Error::<Test>::SubnetNotFound);
		assert_noop!(set(RuntimeOrigin::none(), NET, good), DispatchError::BadOrigin);
		let cheap = MarketParams { request_fee: 9, ..good };
		assert_noop!(set(RuntimeOrigin::root(), NET, cheap), Error::<Test>::InvalidMarketParams);
		let unaudited = MarketParams { audit_probability: Perbill::zero(), ..good };
		assert_noop!(
			set(RuntimeOrigin::root(), NET, unaudited),
			Error::<Test>::InvalidMarketParams
		);
		let new_unaudited = MarketParams { new_miner_audit_probability: Perbill::zero(), ..good };
		assert_noop!(
			set(RuntimeOrigin::root(), NET, new_unaudited),
			Error::<Test>::InvalidMarketParams
		);
		assert_eq!(market_state(), before);
	});
}
