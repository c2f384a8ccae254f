import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { TelesignVoice } from '../../../nodes/TelesignVoice/TelesignVoice.node';
import type { Parameters } from '../../helpers/executeContext';
import { executeContext } from '../../helpers/executeContext';
import { realHttpRequest } from '../../helpers/realHttpRequest';
import {
	plainHttpRequest,
	prepareBinaryData,
	startSimulator,
	storageHeaderText,
} from './simulatedTelesign';

const node = new TelesignVoice();
const REF = 'DL000000000000000000000000000001';
const REF2 = 'DL000000000000000000000000000002';
const FILE = `${REF}_1714557600.wav`;

let sim: Awaited<ReturnType<typeof startSimulator>>['sim'];
let credentials: Awaited<ReturnType<typeof startSimulator>>['credentials'];
beforeEach(async () => ({ sim, credentials } = await startSimulator()));
afterEach(async () => await sim.stop());

const seed = (recordings: Array<Record<string, unknown>>) => sim.configure({ recordings });

function downloadContext(items: Parameters[], continueOnFail = false) {
	const fake = executeContext({
		parameters: { resource: 'recording', operation: 'download', binaryPropertyName: 'data' },
		items,
		credentials,
		http: realHttpRequest(credentials),
		continueOnFail,
	});
	const plain = plainHttpRequest();
	const context = fake.context as unknown as { helpers: Record<string, unknown> };
	context.helpers.httpRequest = plain.httpRequest;
	context.helpers.prepareBinaryData = jest.fn(prepareBinaryData);
	return { ...fake, plain, context: fake.context as IExecuteFunctions };
}

async function run(items: Parameters[], continueOnFail = false) {
	const fake = downloadContext(items, continueOnFail);
	const [output] = await node.execute.call(fake.context);
	return { output, ...fake };
}

async function failure(items: Parameters[]) {
	const fake = downloadContext(items);
	return await node.execute.call(fake.context).then(
		() => {
			throw new Error('expected the node to fail');
		},
		(error: Error & { description?: string }) => ({ error, ...fake }),
	);
}

const bytesOf = (item: INodeExecutionData) => Buffer.from(item.binary!.data.data, 'base64');
const telesignRequests = () =>
	sim.requests().filter((r: { path: string }) => r.path.startsWith('/v2/call_recording'));

describe('Recording → Download', () => {
	it('each file is one item: the exact bytes served, MIME type and file name from Telesign, the transcript beside the metadata', async () => {
		seed([
			{
				reference_id: REF,
				date: '2024-05-01T10:00:00',
				duration: 3,
				transcribe: {
					language_code: 'en-GB',
					transcription: [
						{ status: 'completed', result: 'Hello.' },
						{ status: 'completed', result: 'Goodbye.' },
					],
				},
			},
			{ reference_id: REF, date: '2024-05-01T10:00:05', duration: 1 },
		]);
		const { output } = await run([{ referenceId: REF }]);
		expect(output).toHaveLength(2);
		expect(output[0].json).toEqual({
			reference_id: REF,
			file_name: FILE,
			status: 'available',
			date: '2024-05-01T10:00:00',
			transcript: 'Hello.\nGoodbye.',
			transcript_status: 'completed',
			transcript_language: 'en-GB',
			mime_type: 'audio/wav',
			size: 44 + 3 * 8000,
		});
		expect(output[0].binary!.data).toMatchObject({ fileName: FILE, mimeType: 'audio/wav' });
		expect(bytesOf(output[0]).equals(sim.recordingAudio(FILE))).toBe(true);
		expect(bytesOf(output[1]).equals(sim.recordingAudio(`${REF}_1714557605.wav`))).toBe(true);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		expect(output[0].json).not.toHaveProperty('url');
	});

	it('the download carries no Telesign credential: plain request helper, no header of ours, nothing of the key at the storage host', async () => {
		seed([{ reference_id: REF, date: '2024-05-01T10:00:00' }]);
		const { plain, httpRequestWithAuthentication } = await run([{ referenceId: REF }]);
		expect(httpRequestWithAuthentication.mock.calls.map(([, options]) => options.url)).toEqual([
			`/v2/call_recording/${REF}`,
		]);
		expect(plain.calls).toHaveLength(1);
		expect(plain.calls[0]).toMatchObject({
			method: 'GET',
			encoding: 'stream',
			returnFullResponse: true,
			sendCredentialsOnCrossOriginRedirect: false,
		});
		expect(plain.calls[0].headers).toBeUndefined();
		expect(plain.calls[0].auth).toBeUndefined();
		const seen = storageHeaderText(sim);
		expect(sim.storageRequests()).toHaveLength(1);
		expect(seen).not.toMatch(/authorization|x-ts-/i);
		expect(seen).not.toContain(credentials.apiKey);
		expect(seen).not.toContain(credentials.customerId);
		expect(seen).not.toContain(
			Buffer.from(`${credentials.customerId}:${credentials.apiKey}`).toString('base64'),
		);
	});

	it('an expired link is read again from Telesign once, then downloaded', async () => {
		seed([{ reference_id: REF, date: '2024-05-01T10:00:00' }]);
		sim.expireNextRecordingUrls(1);
		const { output } = await run([{ referenceId: REF }]);
		expect(bytesOf(output[0]).equals(sim.recordingAudio(FILE))).toBe(true);
		expect(sim.storageRequests().map((r: { status: number }) => r.status)).toEqual([403, 200]);
		expect(telesignRequests()).toHaveLength(2);
	});

	it('a link refused again after the new read is a clear error naming the file and the call (no third try)', async () => {
		seed([{ reference_id: REF, date: '2024-05-01T10:00:00' }]);
		sim.expireNextRecordingUrls(2);
		const { error } = await failure([{ referenceId: REF }]);
		expect(error.message).toBe(
			`The download link of ${FILE} (call ${REF}) was refused (HTTP 403: the link expired or its signature was refused), also after reading it again from Telesign`,
		);
		expect(error.message).not.toContain('Signature=');
		expect(sim.storageRequests()).toHaveLength(2);
	});

	it('Wait Until Available (default): a file still "recording" is read again until it is available', async () => {
		seed([
			{ reference_id: REF, date: '2024-05-01T10:00:00', status: 'recording', readyAfterMs: 1500 },
		]);
		const { output } = await run([{ referenceId: REF }]);
		expect(bytesOf(output[0]).equals(sim.recordingAudio(FILE))).toBe(true);
		expect(telesignRequests().length).toBeGreaterThanOrEqual(2);
	});

	it('without waiting, or when the wait runs out, the error names the call and the file', async () => {
		seed([{ reference_id: REF, date: '2024-05-01T10:00:00', status: 'recording' }]);
		const now = await failure([{ referenceId: REF, options: { waitUntilAvailable: false } }]);
		expect(now.error.message).toBe(
			`The recording of call ${REF} is not available yet (${FILE}: status "recording")`,
		);
		expect(telesignRequests()).toHaveLength(1);
		const bounded = await failure([{ referenceId: REF, options: { maxWaitTime: 1 } }]);
		expect(bounded.error.message).toBe(
			`The recording of call ${REF} did not become available within 1 s (${FILE}: status "recording")`,
		);
		expect(bounded.error.description).toMatch(/Max Wait Time/);
	});

	it('an invalid Max Wait Time or an empty Put Output File in Field is an error naming the field, before any request', async () => {
		const wait = await failure([{ referenceId: REF, options: { maxWaitTime: 0 } }]);
		expect(wait.error.message).toMatch(/^Max Wait Time /);
		const field = await failure([{ referenceId: REF, binaryPropertyName: ' ' }]);
		expect(field.error.message).toMatch(/^Put Output File in Field is empty/);
		expect(telesignRequests()).toHaveLength(0);
	});

	it('Transcript Only: no audio is fetched', async () => {
		seed([{ reference_id: REF, date: '2024-05-01T10:00:00' }]);
		const { output, plain } = await run([{ referenceId: REF, options: { transcriptOnly: true } }]);
		expect(output[0].binary).toBeUndefined();
		expect(output[0].json).toMatchObject({
			file_name: FILE,
			transcript: 'simulated transcription',
		});
		expect(plain.calls).toHaveLength(0);
		expect(sim.storageRequests()).toHaveLength(0);
	});

	it('a deleted file is skipped with a hint; a call whose files are all deleted is an error naming it', async () => {
		seed([
			{ reference_id: REF, date: '2024-05-01T10:00:00', status: 'deleted' },
			{ reference_id: REF, date: '2024-05-01T10:00:05' },
			{ reference_id: REF2, date: '2024-05-01T10:00:00', status: 'deleted' },
		]);
		const { output, hints } = await run([{ referenceId: REF }]);
		expect(output.map((item) => item.json.file_name)).toEqual([`${REF}_1714557605.wav`]);
		expect(hints.map((hint) => hint.message)).toEqual([`Call ${REF}: skipped ${FILE} (deleted)`]);
		const { error } = await failure([{ referenceId: REF2 }]);
		expect(error.message).toBe(
			`No recording of call ${REF2} can be downloaded: ${REF2}_1714557600.wav is deleted`,
		);
	});

	it('with Continue On Fail, a malformed Reference ID and a call without recordings are error items naming them; the others download', async () => {
		seed([{ reference_id: REF, date: '2024-05-01T10:00:00' }]);
		const { output } = await run(
			[{ referenceId: 'two words' }, { referenceId: 'NORECORDINGS' }, { referenceId: REF }],
			true,
		);
		expect(output.map((item) => [item.json.error, item.pairedItem])).toEqual([
			[expect.stringMatching(/^Reference ID "two words" is not a reference ID/), { item: 0 }],
			['No recordings found for reference ID NORECORDINGS', { item: 1 }],
			[undefined, { item: 2 }],
		]);
		expect(output[1].json.details).toMatchObject({ reference_id: 'NORECORDINGS' });
		expect(bytesOf(output[2]).equals(sim.recordingAudio(FILE))).toBe(true);
	});
});
