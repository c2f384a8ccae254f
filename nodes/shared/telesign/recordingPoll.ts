/**
 * Which recordings a poll of the Recording Trigger emits, and where the next poll starts. Pure.
 *
 * Telesign lists recordings by `date` (UTC, whole seconds, both ends inclusive). The position kept between polls is
 * `since` (the next poll lists from there, inclusive) plus the keys of the files already handled at or after it:
 * several recordings can share one second, and one that appears in that second after a poll is still found,
 * while the ones already emitted are not emitted again. A file still `recording` holds `since` at its date until
 * it is `available` (then it is emitted) — for at most MAX_HOLD_MS, after which it no longer holds the position.
 * A `deleted` file (or one in a status this package does not know) is skipped with a note, once.
 */
import { recordingKey } from './recordings';

/** A recording's longest wait from `recording` to `available` that still holds the position (calls last ≤ 4 h). */
export const MAX_HOLD_MS = 6 * 3_600_000;

export interface ListedRecording {
	reference_id: string;
	file_name: string;
	status: string;
	date: string;
	[key: string]: unknown;
}

export interface PollState {
	/** The next poll lists recordings dated at or after this (UTC `YYYY-MM-DDThh:mm:ss`). */
	since: string;
	/** Files handled (emitted or skipped) dated at or after `since`: key → date. */
	handled: Record<string, string>;
	/** Files seen `recording`: key → date, when first seen (ms), and whether it no longer holds `since`. */
	waiting: Record<string, { date: string; firstSeenMs: number; released?: boolean }>;
}

export interface PollPlan {
	emit: ListedRecording[];
	skipped: Array<{ recording: ListedRecording; reason: string }>;
	next: PollState;
}

export function initialPollState(now: string): PollState {
	return { since: now, handled: {}, waiting: {} };
}

/** Reads a state kept in the node's static data; anything malformed counts as no state. */
export function readPollState(data: Record<string, unknown>): PollState | undefined {
	const { since, handled, waiting } = data;
	if (typeof since !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(since))
		return undefined;
	const isRecord = (value: unknown) =>
		value !== null && typeof value === 'object' && !Array.isArray(value);
	return {
		since,
		handled: isRecord(handled) ? (handled as PollState['handled']) : {},
		waiting: isRecord(waiting) ? (waiting as PollState['waiting']) : {},
	};
}

const byDateThenKey = (a: ListedRecording, b: ListedRecording) =>
	a.date === b.date ? recordingKey(a).localeCompare(recordingKey(b)) : a.date < b.date ? -1 : 1;

/** Plans one poll from the recordings listed in [since, now]. */
export function planPoll(state: PollState, listed: ListedRecording[], nowMs: number): PollPlan {
	const emit: ListedRecording[] = [];
	const skipped: PollPlan['skipped'] = [];
	const handled: PollState['handled'] = { ...state.handled };
	const waiting: PollState['waiting'] = {};
	let newest = state.since;
	for (const recording of [...listed].sort(byDateThenKey)) {
		const key = recordingKey(recording);
		if (recording.date > newest) newest = recording.date;
		if (handled[key] !== undefined) continue;
		if (recording.status === 'available') {
			emit.push(recording);
			handled[key] = recording.date;
		} else if (recording.status === 'recording') {
			const previous = state.waiting[key];
			const firstSeenMs = previous?.firstSeenMs ?? nowMs;
			const released = nowMs - firstSeenMs > MAX_HOLD_MS;
			waiting[key] = released
				? { date: recording.date, firstSeenMs, released }
				: { date: recording.date, firstSeenMs };
			if (released && !previous?.released) {
				skipped.push({
					recording,
					reason: `still "recording" after ${MAX_HOLD_MS / 3_600_000} hours: no longer waited for (emitted if it becomes available while listed)`,
				});
			}
		} else {
			skipped.push({
				recording,
				reason: recording.status === 'deleted' ? 'deleted' : `status "${recording.status}"`,
			});
			handled[key] = recording.date;
		}
	}
	const held = Object.values(waiting)
		.filter((entry) => !entry.released)
		.map((entry) => entry.date);
	const since = held.length > 0 ? held.reduce((a, b) => (a < b ? a : b)) : newest;
	for (const [key, date] of Object.entries(handled)) if (date < since) delete handled[key];
	return { emit, skipped, next: { since, handled, waiting } };
}
