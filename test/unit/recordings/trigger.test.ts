import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { TelesignVoiceRecordingTrigger } from '../../../nodes/TelesignVoiceRecordingTrigger/TelesignVoiceRecordingTrigger.node';
import { NODE } from '../../helpers/executeContext';
import { realHttpRequest } from '../../helpers/realHttpRequest';
import {
	plainHttpRequest,
	prepareBinaryData,
	startSimulator,
	storageHeaderText,
} from './simulatedTelesign';

const trigger = new TelesignVoiceRecordingTrigger();

let sim: Awaited<ReturnType<typeof startSimulator>>['sim'];
let credentials: Awaited<ReturnType<typeof startSimulator>>['credentials'];
beforeEach(async () => ({ sim, credentials } = await startSimulator()));
afterEach(async () => await sim.stop());

const utcNow = () => new Date().toISOString().slice(0, 19);

/**
 * A poll context as n8n builds one per poll. `stored` is the static data as n8n keeps it in the database: each
 * context gets a JSON copy (as after a restart) and its changes are written back only when asked (`save`).
 */
function pollContext(
	stored: { data: IDataObject },
	o: { mode?: 'trigger' | 'manual'; parameters?: IDataObject } = {},
) {
	const staticData = JSON.parse(JSON.stringify(stored.data)) as IDataObject;
	const parameters: IDataObject = {
		downloadAudio: true,
		binaryPropertyName: 'data',
		...o.parameters,
	};
	const authenticated = realHttpRequest(credentials);
	const info = jest.fn();
	const context = {
		getNode: () => ({ ...NODE, type: 'n8n-nodes-telesign-voice.telesignVoiceRecordingTrigger' }),
		getMode: () => o.mode ?? 'trigger',
		getNodeParameter: (name: string, fallback?: unknown) =>
			name in parameters ? parameters[name] : fallback,
		getWorkflowStaticData: () => staticData,
		logger: { info, debug: jest.fn(), warn: jest.fn(), error: jest.fn() },
		helpers: {
			httpRequestWithAuthentication: jest.fn(
				async (_type: string, options) => await authenticated(options),
			),
			httpRequest: plainHttpRequest().httpRequest,
			prepareBinaryData: jest.fn(prepareBinaryData),
		},
	} as unknown as IPollFunctions;
	return {
		context,
		staticData,
		info,
		save: () => (stored.data = JSON.parse(JSON.stringify(staticData)) as IDataObject),
	};
}

/**
 * One poll. Whatever the node wrote to its static data is kept, also when the poll fails: n8n keeps the workflow's
 * static data in memory between polls, so a position moved before a failure would stay moved.
 */
async function poll(stored: { data: IDataObject }, o: Parameters<typeof pollContext>[1] = {}) {
	const fake = pollContext(stored, o);
	try {
		const result = await trigger.poll.call(fake.context);
		return { items: (result?.[0] ?? []) as INodeExecutionData[], info: fake.info };
	} finally {
		fake.save();
	}
}
const names = (items: INodeExecutionData[]) => items.map((item) => item.json.file_name);

describe('Telesign Voice Recording Trigger', () => {
	it('emits each new recording once — across restarts and when several share one second — with the exact audio', async () => {
		const stored = { data: {} as IDataObject };
		expect((await poll(stored)).items).toEqual([]); // the first poll after activation starts the position
		const second = utcNow();
		sim.configure({
			recordings: [
				{ reference_id: 'CALLA', date: second, duration: 2 },
				{ reference_id: 'CALLB', date: second },
			],
		});
		const first = await poll(stored);
		expect(names(first.items)).toEqual(
			sim.recordings().map((r: { file_name: string }) => r.file_name),
		);
		expect(
			Buffer.from(first.items[0].binary!.data.data, 'base64').equals(
				sim.recordingAudio(first.items[0].json.file_name),
			),
		).toBe(true);
		expect(first.items[0].json).toMatchObject({
			reference_id: 'CALLA',
			transcript: 'simulated transcription',
			mime_type: 'audio/wav',
		});

		expect((await poll(stored)).items).toEqual([]); // a restart: only the stored static data is left
		sim.configure({ recordings: [{ reference_id: 'CALLC', date: second }] });
		expect(names((await poll(stored)).items)).toEqual([
			`CALLC_${Date.parse(`${second}Z`) / 1000}.wav`,
		]);
		expect((await poll(stored)).items).toEqual([]);
		expect(storageHeaderText(sim)).not.toMatch(/authorization/i);
	});

	it('a file "recording" is emitted once it is available; a deleted one is skipped with a note, not an error', async () => {
		const stored = { data: {} as IDataObject };
		await poll(stored);
		const second = utcNow();
		sim.configure({
			recordings: [
				{ reference_id: 'SLOW', date: second, status: 'recording' },
				{ reference_id: 'GONE', date: second, status: 'deleted' },
			],
		});
		const first = await poll(stored);
		expect(first.items).toEqual([]);
		expect(first.info).toHaveBeenCalledWith(
			expect.stringMatching(/skipped GONE_\d+\.wav of call GONE: deleted/),
		);
		const slow = sim.recordings().find((r: { reference_id: string }) => r.reference_id === 'SLOW');
		expect((await poll(stored)).items).toEqual([]); // nothing until the file is available
		sim.finishRecording(slow.file_name);
		expect(names((await poll(stored)).items)).toEqual([slow.file_name]);
		expect((await poll(stored)).items).toEqual([]);
	});

	it('a poll that fails moves nothing: the next poll emits the same recording', async () => {
		const stored = { data: {} as IDataObject };
		await poll(stored);
		sim.configure({ recordings: [{ reference_id: 'RETRY', date: utcNow() }] });
		sim.expireNextRecordingUrls(2);
		const before = JSON.stringify(stored.data);
		await expect(poll(stored)).rejects.toThrow(/RETRY.*was refused/);
		expect(JSON.stringify(stored.data)).toBe(before);
		expect(names((await poll(stored)).items)).toEqual([expect.stringMatching(/^RETRY_/)]);
	});

	it('a manual test fetches the newest available recording and leaves the position alone; metadata only without Download Audio', async () => {
		const hourAgo = new Date(Date.now() - 3_000_000).toISOString().slice(0, 19);
		sim.configure({
			recordings: [
				{ reference_id: 'OLD', date: hourAgo },
				{ reference_id: 'NEW', date: utcNow() },
			],
		});
		const stored = { data: {} as IDataObject };
		const { items } = await poll(stored, { mode: 'manual', parameters: { downloadAudio: false } });
		expect(items.map((item) => item.json.reference_id)).toEqual(['NEW']);
		expect(items[0].binary).toBeUndefined();
		expect(stored.data).toEqual({});
		expect(sim.storageRequests()).toEqual([]);
	});

	it('a manual test with no recording in 30 days says so', async () => {
		await expect(poll({ data: {} }, { mode: 'manual' })).rejects.toThrow(
			'No recording became available in the last 30 days',
		);
	});
});
