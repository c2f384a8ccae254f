/**
 * Limit Wait Time, ended by the node itself so that a timed-out call's outcome keeps what was known of it.
 *
 * When n8n's own timer ends a wait, it outputs the items kept with the execution (waitingState.ts) without running
 * any code of the node, and those were written before the first event. What a call did since (answered, keys
 * pressed, prompts) lives only in the memory of the processes that answered its events (followedCalls.ts). So
 * every process that follows a waiting execution — the one that dialled, and each one that answered an event —
 * keeps a timer for the time limit. When it fires, the process posts a time-limit request, signed with the relay
 * key (kind `timeLimit`, which no relayed Telesign event can pass for), to the execution's resume URL with what it
 * knows; the webhook that receives it (any process) adds what it knows itself and resumes the execution with one
 * outcome per item: `status: "timeout"` with the facts known and `missing_facts` naming the others.
 *
 * n8n's own timer is set FALLBACK_AFTER_MS later: it ends the wait only when no process that followed the
 * execution is alive any more (restart), with the kept outcomes, whose `missing_facts` say so. A second
 * time-limit request (another process's timer) finds the execution resumed: n8n answers it with an error, which
 * is ignored.
 */
import type { IDataObject, IExecuteFunctions, Logger } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { RELAY_TIMEOUT_MS, signRelay } from '../../../../shared/relay';
import type { KnownCall } from './followedCalls';
import { knownCalls, setTimeLimit, timeLimitAt } from './followedCalls';
import type { KnownChain } from './followedChains';
import { knownChains } from './followedChains';

/** How long after the time limit n8n's own timer ends the wait (n8n looks for due waits every 60 seconds). */
export const FALLBACK_AFTER_MS = 60_000;
/** A limit already past still waits this long: n8n saves the waiting execution after execute() returns. */
const MIN_DELAY_MS = 5000;
/** A timer's longest delay in Node.js (about 24.8 days); a longer wait is left to n8n's timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Saved with the waiting execution (waitingState.ts) so that every process that follows it can keep a timer. */
export interface TimeLimit {
	atMs: number;
	resumeUrl: string;
}

export interface TimeLimitRequest {
	node_id: string;
	signature: string;
	/** Which wait it ends: another run of the node in the same execution has another limit. */
	at_ms: number;
	calls: KnownCall[];
	/** What the sender knows of the items' on-call lists (followedChains.ts). */
	chains?: KnownChain[];
}

export interface TimerSetup {
	/** The resume signature: names the waiting node run in followedCalls. */
	key: string;
	nodeId: string;
	limit: TimeLimit;
	relayKey: Buffer;
	http: IExecuteFunctions['helpers']['httpRequest'];
	logger: Logger;
}

async function sendTimeLimit(setup: TimerSetup): Promise<void> {
	const request: TimeLimitRequest = {
		node_id: setup.nodeId,
		signature: setup.key,
		at_ms: setup.limit.atMs,
		calls: knownCalls(setup.key),
		chains: knownChains(setup.key),
	};
	const body = Buffer.from(JSON.stringify({ time_limit: request }), 'utf8');
	try {
		const response = (await setup.http({
			method: 'POST',
			url: setup.limit.resumeUrl,
			body,
			headers: {
				'content-type': 'application/json',
				...signRelay(setup.relayKey, 'timeLimit', body, Date.now()),
			},
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: RELAY_TIMEOUT_MS,
		})) as { statusCode: number };
		// Another process's request may have ended the wait first: n8n then refuses this one.
		setup.logger.debug('Telesign Voice: time limit of a waiting Call and Wait sent', {
			statusCode: response.statusCode,
		});
	} catch (error) {
		setup.logger.warn(
			'Telesign Voice: the time limit of a waiting Call and Wait could not be sent; n8n ends the wait a minute later',
			{
				reason: (error as Error).message,
			},
		);
	}
}

/**
 * Starts this process's timer for the wait, unless it has one for this very limit or the limit is beyond a timer's
 * reach. A timer for another limit under the same resume signature (an earlier try of the node) is replaced.
 */
export function armTimeLimit(setup: TimerSetup, nowMs = Date.now()): void {
	if (timeLimitAt(setup.key) === setup.limit.atMs) return;
	const delay = Math.max(MIN_DELAY_MS, setup.limit.atMs - nowMs);
	if (delay > MAX_TIMER_MS) return;
	const timer = new AbortController();
	setTimeLimit(setup.key, setup.limit.atMs, timer, nowMs);
	// forget() aborts it: the wait ended otherwise, or this process stopped following it.
	sleep(delay, timer.signal).then(
		async () => await sendTimeLimit(setup),
		() => undefined,
	);
}

export function parseTimeLimitRequest(raw: Buffer): TimeLimitRequest | undefined {
	try {
		const parsed = (JSON.parse(raw.toString('utf8')) as IDataObject).time_limit as
			| TimeLimitRequest
			| undefined;
		if (
			typeof parsed?.node_id !== 'string' ||
			typeof parsed.signature !== 'string' ||
			typeof parsed.at_ms !== 'number'
		)
			return undefined;
		return {
			...parsed,
			calls: Array.isArray(parsed.calls)
				? parsed.calls.filter((call) => Number.isInteger(call?.item) && Array.isArray(call.steps))
				: [],
		};
	} catch {
		return undefined;
	}
}
