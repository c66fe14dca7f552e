//! `register_model` and `set_market_params`.

use super::*;

#[test]
fn register_model_holds_the_deposit_and_records_the_model() {
	new_test_ext().execute_with(|| {
		let id = [8; 32];
		assert_ok!(Inference::register_model(RuntimeOrigin::signed(DAVE), id, metadata()));
		let model = crate::Models::<Test>::get(id).unwrap();
		assert_eq!((model.owner, model.deposit, model.metadata), (DAVE, DEPOSIT, metadata()));
		assert_eq!(
			Balances::balance_on_hold(&crate::HoldReason::ModelDeposit.into(), &DAVE),
			DEPOSIT
		);
		assert_eq!(last_event(), Event::ModelRegistered { model_id: id, owner: DAVE });
		check_invariants();
	});
}

#[test]
fn register_model_rejects_bad_input_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let before = market_state();
		let register =
			|who, id, metadata| Inference::register_model(RuntimeOrigin::signed(who), id, metadata);
		assert_noop!(register(DAVE, MODEL, metadata()), Error::<Test>::ModelAlreadyRegistered);
		let mut unnamed = metadata();
		unnamed.name = BoundedVec::new();
		assert_noop!(register(DAVE, [8; 32], unnamed), Error::<Test>::InvalidModelName);
		let mut garbled = metadata();
		garbled.name = BoundedVec::truncate_from(vec![0xff, 0xfe]);
		assert_noop!(register(DAVE, [8; 32], garbled), Error::<Test>::InvalidModelName);
		assert_noop!(register(POOR, [8; 32], metadata()), Error::<Test>::InsufficientBalance);
		assert_noop!(
			Inference::register_model(RuntimeOrigin::root(), [8; 32], metadata()),
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
