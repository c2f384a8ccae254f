/**
 * One poll of the Telesign Voice Recording Trigger: list the recordings dated since the kept position, plan what to
 * emit (recordingPoll.ts), read each new file's transcript and link, download it if asked, and only then move the
 * position in the node's static data — a poll that fails moves nothing, so the next one tries the same files again.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ListedRecording, PollState } from '../shared/telesign/recordingPoll';
import { initialPollState, planPoll, readPollState } from '../shared/telesign/recordingPoll';
import { toTelesignUtc } from '../shared/telesign/validation';
import type { FileItemOptions } from '../shared/recordings/files';
import { fileItem, readCallFiles } from '../shared/recordings/files';
import { listRecordings } from '../shared/recordings/api';

/** How far back a manual test looks for the newest recording: the first window with one wins. */
export const TEST_WINDOWS_HOURS = [1, 24, 7 * 24, 30 * 24];

function itemOptions(context: IPollFunctions): FileItemOptions {
	const download = context.getNodeParameter('downloadAudio', true) as boolean;
	const binaryPropertyName = String(
		context.getNodeParameter('binaryPropertyName', 'data') ?? '',
	).trim();
	if (download && binaryPropertyName === '') {
		throw new NodeOperationError(
			context.getNode(),
			'Put Output File in Field is empty: name the binary field for the audio, e.g. "data"',
		);
	}
	return { download, binaryPropertyName };
}

const utc = (ms: number) => toTelesignUtc(new Date(ms), 'now');

function asListed(entries: IDataObject[]): ListedRecording[] {
	return entries.flatMap((entry) =>
		typeof entry.reference_id === 'string' &&
		typeof entry.file_name === 'string' &&
		typeof entry.date === 'string'
			? [
					{
						reference_id: entry.reference_id,
						file_name: entry.file_name,
						date: entry.date,
						status: String(entry.status ?? 'unknown'),
					},
				]
			: [],
	);
}

/** The item of one listed recording: its call's files read now (transcript, link), the audio if asked for. */
async function itemFor(
	context: IPollFunctions,
	recording: ListedRecording,
	options: FileItemOptions,
): Promise<INodeExecutionData | undefined> {
	const files = await readCallFiles.call(context, 0, recording.reference_id);
	const file = files.find((candidate) => candidate.fileName === recording.file_name);
	if (file === undefined || file.status !== 'available') {
		context.logger.info(
			`Telesign Voice Recording Trigger: skipped ${recording.file_name} of call ${recording.reference_id}: ${file ? file.status : 'no longer listed'}`,
		);
		return undefined;
	}
	return await fileItem.call(context, 0, file, options);
}

/** A manual test: the newest available recording (as the trigger would emit it); the kept position is not touched. */
async function newestRecording(
	context: IPollFunctions,
	options: FileItemOptions,
): Promise<INodeExecutionData[][]> {
	const nowMs = Date.now();
	for (const hours of TEST_WINDOWS_HOURS) {
		const listed = asListed(
			await listRecordings.call(context, 0, {
				start: utc(nowMs - hours * 3_600_000),
				end: utc(nowMs),
			}),
		);
		const newest = listed
			.filter((r) => r.status === 'available')
			.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))[0];
		if (newest === undefined) continue;
		const item = await itemFor(context, newest, options);
		if (item) return [[item]];
	}
	throw new NodeOperationError(
		context.getNode(),
		`No recording became available in the last ${TEST_WINDOWS_HOURS[TEST_WINDOWS_HOURS.length - 1] / 24} days`,
		{
			description:
				'Make a call that is recorded, wait until Telesign has processed it, then test again. Once the workflow is active, every new recording starts it.',
		},
	);
}

export async function pollRecordings(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const options = itemOptions(this);
	if (this.getMode() === 'manual') return await newestRecording(this, options);

	const staticData = this.getWorkflowStaticData('node');
	const nowMs = Date.now();
	const state: PollState | undefined = readPollState(staticData);
	if (state === undefined) {
		// The first poll after activation starts the position: recordings from then on are emitted.
		Object.assign(staticData, initialPollState(utc(nowMs)));
		return null;
	}
	const listed = asListed(
		await listRecordings.call(this, 0, { start: state.since, end: utc(nowMs) }),
	);
	const plan = planPoll(state, listed, nowMs);
	const items: INodeExecutionData[] = [];
	for (const recording of plan.emit) {
		const item = await itemFor(this, recording, options);
		if (item) items.push(item);
	}
	for (const { recording, reason } of plan.skipped) {
		this.logger.info(
			`Telesign Voice Recording Trigger: skipped ${recording.file_name} of call ${recording.reference_id}: ${reason}`,
		);
	}
	// Only now, with every item built, does the position move (n8n saves it with the execution, or at once
	// when nothing was emitted).
	Object.assign(staticData, plan.next);
	return items.length > 0 ? [items] : null;
}
