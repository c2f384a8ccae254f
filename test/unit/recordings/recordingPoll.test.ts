import type { ListedRecording, PollState } from '../../../nodes/shared/telesign/recordingPoll';
import {
	MAX_HOLD_MS,
	initialPollState,
	planPoll,
	readPollState,
} from '../../../nodes/shared/telesign/recordingPoll';

const rec = (ref: string, date: string, status = 'available'): ListedRecording => ({
	reference_id: ref,
	file_name: `${ref}_${Date.parse(`${date}Z`) / 1000}.wav`,
	status,
	date,
});
const T0 = '2026-11-01T10:00:00';
const NOW = Date.parse('2026-11-01T10:05:00Z');

/** The state as n8n keeps it between polls and across restarts: JSON in the workflow's static data. */
const persisted = (state: PollState) =>
	readPollState(JSON.parse(JSON.stringify(state)) as Record<string, unknown>) as PollState;

describe('Recording Trigger: what a poll emits and where the next one starts', () => {
	it('several recordings in one second: each emitted once, also one that appears in that second after the poll', () => {
		const a = rec('A', '2026-11-01T10:01:00');
		const b = rec('B', '2026-11-01T10:01:00');
		const first = planPoll(initialPollState(T0), [b, a], NOW);
		expect(first.emit.map((r) => r.reference_id)).toEqual(['A', 'B']);
		expect(first.next.since).toBe('2026-11-01T10:01:00');

		// Telesign lists from `since` inclusive: A and B again, plus C of the same second, new.
		const c = rec('C', '2026-11-01T10:01:00');
		const second = planPoll(persisted(first.next), [a, b, c], NOW + 60_000);
		expect(second.emit.map((r) => r.reference_id)).toEqual(['C']);
		const third = planPoll(persisted(second.next), [a, b, c], NOW + 120_000);
		expect(third.emit).toEqual([]);
	});

	it('a file still "recording" holds the position at its date until it is available, then is emitted once', () => {
		const slow = rec('SLOW', '2026-11-01T10:01:00', 'recording');
		const later = rec('LATER', '2026-11-01T10:03:00');
		const first = planPoll(initialPollState(T0), [slow, later], NOW);
		expect(first.emit.map((r) => r.reference_id)).toEqual(['LATER']);
		expect(first.next.since).toBe('2026-11-01T10:01:00');
		expect(first.next.handled).toEqual({ [`LATER/${later.file_name}`]: later.date });

		const second = planPoll(
			persisted(first.next),
			[{ ...slow, status: 'available' }, later],
			NOW + 60_000,
		);
		expect(second.emit.map((r) => r.reference_id)).toEqual(['SLOW']);
		expect(second.next.since).toBe('2026-11-01T10:03:00');
		// Files dated before the new position are forgotten: Telesign no longer lists them.
		expect(Object.keys(second.next.handled)).toEqual([`LATER/${later.file_name}`]);
	});

	it('a deleted file is skipped with a note, once; nothing listed keeps the position', () => {
		const gone = rec('GONE', '2026-11-01T10:02:00', 'deleted');
		const first = planPoll(initialPollState(T0), [gone], NOW);
		expect(first.emit).toEqual([]);
		expect(first.skipped).toEqual([{ recording: gone, reason: 'deleted' }]);
		expect(planPoll(persisted(first.next), [gone], NOW).skipped).toEqual([]);
		expect(planPoll(initialPollState(T0), [], NOW).next).toEqual(initialPollState(T0));
	});

	it(`a file "recording" for more than ${MAX_HOLD_MS / 3_600_000} h no longer holds the position (noted once)`, () => {
		const stuck = rec('STUCK', '2026-11-01T10:01:00', 'recording');
		const newer = rec('NEWER', '2026-11-01T10:04:00');
		const first = planPoll(initialPollState(T0), [stuck], NOW);
		const late = planPoll(persisted(first.next), [stuck, newer], NOW + MAX_HOLD_MS + 1);
		expect(late.skipped.map((s) => s.recording.reference_id)).toEqual(['STUCK']);
		expect(late.next.since).toBe('2026-11-01T10:04:00');
		expect(planPoll(persisted(late.next), [stuck, newer], NOW + MAX_HOLD_MS + 2).skipped).toEqual(
			[],
		);
	});

	it('a malformed kept state counts as none', () => {
		expect(readPollState({})).toBeUndefined();
		expect(readPollState({ since: 'yesterday' })).toBeUndefined();
		expect(readPollState({ since: T0, handled: [], waiting: null })).toEqual(initialPollState(T0));
	});
});
