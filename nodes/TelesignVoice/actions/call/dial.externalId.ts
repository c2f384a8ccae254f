/**
 * The External ID a dial gets when the user gave none: stable across every try of a node run and every n8n
 * "Retry" of the execution, so a call placed twice can be reconciled by its ID.
 */
import { createHash, randomUUID } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

/** Custom execution data key holding the id of the execution a chain of n8n "Retry"s started from. */
export const ORIGIN_EXECUTION_KEY = 'telesign_voice_execution';

/**
 * The id of the execution this one continues: n8n's Executions → Retry starts a new execution (new id) from the
 * stored execution data, custom execution data included, so the first execution's id is kept there.
 */
function originExecutionId(this: IExecuteFunctions): string | undefined {
	try {
		const kept = this.customData.get(ORIGIN_EXECUTION_KEY);
		if (typeof kept === 'string' && kept !== '') return kept;
		const id = this.getExecutionId();
		if (typeof id !== 'string' || id === '') return undefined;
		this.customData.set(ORIGIN_EXECUTION_KEY, id);
		return id;
	} catch {
		// Custom data full or unavailable (e.g. run as a tool): the ID is still unique, just not stable.
		return undefined;
	}
}

/** What every generated External ID of one node run is derived from, per execute context (computed once). */
const idSeeds = new WeakMap<object, string | null>();

function externalIdSeed(this: IExecuteFunctions): string | null {
	const known = idSeeds.get(this);
	if (known !== undefined) return known;
	let seed: string | null = null;
	const origin = originExecutionId.call(this);
	if (origin !== undefined) {
		let runIndex = 0;
		try {
			runIndex = this.getWorkflowDataProxy(0).$runIndex ?? 0;
		} catch {
			// Without a data proxy the node runs once: 0 is right.
		}
		seed = `${origin}\n${this.getNode().id}\n${runIndex}`;
	}
	idSeeds.set(this, seed);
	return seed;
}

/**
 * The External ID of a dial the user gave none: a UUID derived from the first execution's id, the node, its
 * run and the item, so every try and every n8n "Retry" of the execution gives the same item the same ID and
 * repeated calls can be reconciled; random when no execution id is known.
 */
export function defaultExternalId(this: IExecuteFunctions, itemIndex: number): string {
	const seed = externalIdSeed.call(this);
	if (seed === null) return randomUUID();
	const hex = createHash('sha256').update(`${seed}\n${itemIndex}`).digest('hex');
	// RFC 9562 layout, version 8 (custom) and the RFC variant.
	const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
