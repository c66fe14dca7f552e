// Drives a dev node the way polkadot.js Apps and dApps do, with @polkadot/api and the repository's
// @inferchain/api package (clients/js): chain properties, metadata, a signed transfer, a subnet
// and a neuron registration, staking and unstaking, each checked through its events and storage;
// then the decorated subnets_* / inference_* RPC, a model registered for the subnet, and a paid
// inference.submitRequest followed to its end with the package's helper.
// Usage: node check.mjs ws://127.0.0.1:9944 — exits non-zero on any mismatch.
import assert from 'node:assert/strict';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { asList, rpc, submitRequest } from '@inferchain/api';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const api = await ApiPromise.create({ provider: new WsProvider(url), rpc, noInitWarn: true });

/** Signs and sends `tx`, resolves with the event names of its block once it is in one. */
function inBlock(tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const error = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule).name : dispatchError.toString();
        reject(new Error(`dispatch failed: ${error}`));
      } else if (status.isInBlock || status.isFinalized) {
        resolve(events.map(({ event }) => `${event.section}.${event.method}`));
      }
    }).catch(reject);
  });
}

// What wallets display: symbol and decimals from the chain properties.
assert.deepEqual(api.registry.chainTokens, ['INFER']);
assert.deepEqual(api.registry.chainDecimals, [12]);
assert.equal(api.registry.chainSS58, 42);
assert.ok(api.runtimeMetadata.version >= 15, `metadata v${api.runtimeMetadata.version}`);
assert.equal(typeof api.tx.subnets.registerSubnet, 'function');

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');
const unit = 10n ** 12n;

const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
const transferEvents = await inBlock(api.tx.balances.transferKeepAlive(bob.address, 3n * unit), alice);
assert.ok(transferEvents.includes('balances.Transfer'), transferEvents.join(','));
const after = (await api.query.system.account(bob.address)).data.free.toBigInt();
assert.equal(after - before, 3n * unit);

const registerEvents = await inBlock(api.tx.subnets.registerSubnet(1000n * unit), bob);
assert.ok(registerEvents.includes('subnets.SubnetRegistered'), registerEvents.join(','));
const subnet = (await api.query.subnets.subnets(0)).unwrap();
assert.equal(subnet.owner.toString(), bob.address);
assert.equal(subnet.locked.toBigInt(), 100n * unit);

// A neuron on that subnet, then a token holder stakes onto it and unstakes, the way the
// polkadot.js Apps extrinsics page does it.
const charlie = keyring.addFromUri('//Charlie');
const dave = keyring.addFromUri('//Dave');
const neuronEvents = await inBlock(api.tx.subnets.registerNeuron(0, charlie.address, 10n * unit), bob);
assert.ok(neuronEvents.includes('subnets.NeuronRegistered'), neuronEvents.join(','));
assert.equal((await api.query.subnets.uids(0, charlie.address)).unwrap().toNumber(), 0);
assert.equal((await api.query.subnets.hotkeyOwner(charlie.address)).unwrap().toString(), bob.address);

const stakeEvents = await inBlock(api.tx.stake.addStake(charlie.address, 0, 50n * unit), dave);
assert.ok(stakeEvents.includes('stake.StakeAdded'), stakeEvents.join(','));
const pool = (await api.query.stake.pools(0, charlie.address)).unwrap();
assert.equal(pool.stake.toBigInt(), 50n * unit);
const position = (await api.query.stake.positions(0, charlie.address, dave.address)).unwrap();
assert.equal(position.shares.toBigInt(), 50n * unit);
assert.equal((await api.query.stake.subnetStake(0)).toBigInt(), 50n * unit);

const unstakeEvents = await inBlock(api.tx.stake.removeStake(charlie.address, 0, 50n * unit), dave);
assert.ok(unstakeEvents.includes('stake.StakeUnbonding'), unstakeEvents.join(','));
assert.ok((await api.query.stake.pools(0, charlie.address)).isNone);
assert.ok((await api.query.stake.positions(0, charlie.address, dave.address)).isNone);
const chunks = (await api.query.stake.unbonding(dave.address, 0, charlie.address)).unwrap();
assert.equal(chunks.length, 1);
assert.equal((await api.query.stake.unbondingPools(0, charlie.address)).unwrap().stake.toBigInt(), 50n * unit);

// The typed RPC, decorated by @inferchain/api.
const subnetJson = (await api.rpc.subnets.getSubnet(0)).toJSON();
assert.equal(subnetJson.owner, bob.address);
assert.equal(asList(await api.rpc.subnets.getNeurons(0))[0].hotkey, charlie.address);
const market = (await api.rpc.inference.getMarket(0)).toJSON();
assert.equal(market.requestFee, (10n * unit / 1000n).toString());
assert.equal(market.maxOutputTokens, 256);
// A `null` answer decodes as an empty Json.
assert.ok((await api.rpc.inference.getResult(12345)).isEmpty);
assert.ok((await api.rpc.inference.getMarket(99)).isEmpty);

// Bob registers a model (the chain computes its id) and makes it the subnet's task.
const metadata = {
  name: 'all-MiniLM-L6-v2',
  kind: 'Embedding',
  profile: { dtype: 'F32', rule: { Tolerance: { maxAbsErrorE9: 10000 } }, cpuThreads: 0 },
  outputDim: 384,
};
const digests = { weights: '0x' + '11'.repeat(32), config: '0x' + '22'.repeat(32), tokenizer: '0x' + '33'.repeat(32) };
const modelEvents = await inBlock(api.tx.inference.registerModel(digests, metadata), bob);
assert.ok(modelEvents.includes('inference.ModelRegistered'), modelEvents.join(','));
const models = asList(await api.rpc.inference.listModels());
assert.equal(models.length, 1);
const taskEvents = await inBlock(api.tx.subnets.setSubnetTask(0, { kind: 'Embedding', modelId: models[0].modelId }), bob);
assert.ok(taskEvents.includes('subnets.SubnetTaskSet'), taskEvents.join(','));

// A dApp pays for a request and follows it: no miner has stake to back it, so the chain draws
// none, the request expires and the fee comes back.
const heldBefore = (await api.query.system.account(dave.address)).data.reserved.toBigInt();
const { requestId, result } = await submitRequest(api, dave, { netuid: 0, input: 'hello', maxFee: unit });
assert.equal(result.status, 'expired', JSON.stringify(result));
assert.equal(result.requestId, Number(requestId));
const request = (await api.rpc.inference.getRequest(requestId)).toJSON();
assert.equal(request.input, 'hello');
assert.equal((await api.query.system.account(dave.address)).data.reserved.toBigInt(), heldBefore);

console.log(`polkadot.js check passed: transfer [${transferEvents}], registerSubnet [${registerEvents}], ` +
  `registerNeuron [${neuronEvents}], addStake [${stakeEvents}], removeStake [${unstakeEvents}], ` +
  `registerModel [${modelEvents}], request ${requestId} ${result.status}`);
await api.disconnect();
