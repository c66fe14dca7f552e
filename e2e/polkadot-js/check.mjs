// Drives a dev node the way polkadot.js Apps and dApps do, with @polkadot/api: chain properties,
// metadata, a signed transfer, a subnet and a neuron registration, staking and unstaking, each
// checked through its events and storage.
// Usage: node check.mjs ws://127.0.0.1:9944 — exits non-zero on any mismatch.
import assert from 'node:assert/strict';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });

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

console.log(`polkadot.js check passed: transfer [${transferEvents}], registerSubnet [${registerEvents}], ` +
  `registerNeuron [${neuronEvents}], addStake [${stakeEvents}], removeStake [${unstakeEvents}]`);
await api.disconnect();
