'use strict';
/**
 * Call and Wait (see callAndWait.e2e.test.js) as n8n's Human-in-the-loop tool: the real n8n lists it for its
 * AI Agent, and an Agent driven by a scripted chat model asks for approval by phone.
 */
const crypto = require('crypto');
const http = require('http');
const axios = require('axios');
const { callAndWaitSuite, actionsOf, outputOf } = require('./harness/callAndWait');
const { DEMO_NUMBERS } = require('./harness/examples');

const cw = callAndWaitSuite();

test('the real n8n offers the node as a Human-in-the-loop tool for its AI Agent (…telesignVoiceHitlTool)', async () => {
	const rest = await cw.n8n.restSession();
	const listed = await rest.get('/../types/nodes.json');
	expect(listed.status).toBe(200);
	const hitl = listed.data.find(
		(type) => type.name === 'n8n-nodes-telesign-voice.telesignVoiceHitlTool',
	);
	expect(hitl).toBeDefined();
	// What n8n's createHitlTools made of it: resource/operation hidden and fixed, responseType forced to approval,
	// approvalOptions kept, message filled by the tool call, an ai_tool output for the Agent.
	const byName = (name) => hitl.properties.filter((p) => p.name === name);
	// (one Operation field per resource in this node: each becomes the same hidden "sendAndWait")
	expect(byName('operation').length).toBeGreaterThan(0);
	for (const operation of byName('operation'))
		expect(operation).toMatchObject({ type: 'hidden', default: 'sendAndWait' });
	expect(byName('resource')).toEqual([
		expect.objectContaining({ type: 'hidden', default: 'call' }),
	]);
	expect(byName('responseType')).toEqual([
		expect.objectContaining({ type: 'hidden', default: 'approval' }),
	]);
	expect(byName('approvalOptions')).toHaveLength(1);
	expect(byName('message')).toEqual([
		expect.objectContaining({ default: expect.stringContaining('$tool') }),
	]);
	expect(byName('to').length).toBeGreaterThan(0);
	expect(JSON.stringify(hitl.outputs)).toMatch(/ai_tool/);
});

describe("n8n's AI Agent asks for approval by phone (the generated Human-in-the-loop tool, driven end to end)", () => {
	let fakeModel;
	const seen = [];

	/** A scripted OpenAI-compatible chat model: first a call of the gated tool, then a final answer. */
	beforeAll(async () => {
		fakeModel = http.createServer((req, res) => {
			let raw = '';
			req.on('data', (chunk) => (raw += chunk));
			req.on('end', () => {
				const body = raw ? JSON.parse(raw) : {};
				seen.push({ url: req.url, body });
				const answered = (body.messages || []).some((m) => m.role === 'tool');
				const tool = body.tools?.[0]?.function;
				const args = tool?.parameters?.properties?.toolParameters
					? { toolParameters: { input: '6*7' } }
					: { input: '6*7' };
				const message = answered
					? {
							role: 'assistant',
							content: `Done: ${body.messages
								.filter((m) => m.role === 'tool')
								.map((m) => m.content)
								.join(' | ')}`,
						}
					: {
							role: 'assistant',
							content: null,
							tool_calls: [
								{
									id: 'call_1',
									type: 'function',
									function: { name: tool?.name, arguments: JSON.stringify(args) },
								},
							],
						};
				res.setHeader('content-type', 'application/json');
				res.end(
					JSON.stringify({
						id: 'chatcmpl-1',
						object: 'chat.completion',
						created: 1,
						model: 'gpt-4o-mini',
						choices: [{ index: 0, message, finish_reason: answered ? 'stop' : 'tool_calls' }],
						usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
					}),
				);
			});
		});
		await new Promise((resolve) => fakeModel.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => fakeModel && (await new Promise((resolve) => fakeModel.close(resolve))));

	async function runAgent(approver) {
		const openAi = await cw.n8n.createCredential(`fake model ${Date.now()}`, 'openAiApi', {
			apiKey: 'sk-test',
			url: `http://127.0.0.1:${fakeModel.address().port}/v1`,
		});
		const path = `hitl-${crypto.randomUUID()}`;
		const node = (name, type, typeVersion, parameters, extra = {}) => ({
			id: crypto.randomUUID(),
			name,
			type,
			typeVersion,
			position: [0, 0],
			parameters,
			...extra,
		});
		const workflow = {
			name: `hitl ${Date.now()}`,
			nodes: [
				node(
					'Ask',
					'n8n-nodes-base.webhook',
					2,
					{ httpMethod: 'POST', path, responseMode: 'onReceived' },
					{ webhookId: crypto.randomUUID() },
				),
				node('Agent', '@n8n/n8n-nodes-langchain.agent', 3.1, {
					promptType: 'define',
					text: '={{ $json.body.question }}',
					options: {},
				}),
				node(
					'Model',
					'@n8n/n8n-nodes-langchain.lmChatOpenAi',
					1.2,
					{ model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
					{ credentials: { openAiApi: openAi } },
				),
				node('Calculator', '@n8n/n8n-nodes-langchain.toolCalculator', 1, {}),
				node(
					'Approve by Phone',
					'n8n-nodes-telesign-voice.telesignVoiceHitlTool',
					1,
					{
						to: approver,
						callerIdNumber: DEMO_NUMBERS.callerId,
						approvalOptions: { values: { approvalType: 'double' } },
					},
					{ credentials: { telesignVoiceApi: cw.credential } },
				),
			],
			connections: {
				Ask: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
				Model: { ai_languageModel: [[{ node: 'Agent', type: 'ai_languageModel', index: 0 }]] },
				Calculator: { ai_tool: [[{ node: 'Approve by Phone', type: 'ai_tool', index: 0 }]] },
				'Approve by Phone': { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
			},
		};
		const created = await cw.n8n.createWorkflow(workflow, {
			credentials: { telesignVoiceApi: cw.credential, openAiApi: openAi },
		});
		const url = `${cw.n8n.baseUrl}/webhook/${path}`;
		await cw.n8n.waitForWebhook(url);
		await axios.post(url, { question: 'What is 6 times 7? Use the calculator.' });
		const execution = await cw.lastExecution(created.id, { timeoutMs: 90_000 });
		expect(execution.status).toBe('success');
		return execution;
	}

	test('the agent wants to run a tool; the approver presses 1: the call is made, the tool runs, the agent answers', async () => {
		seen.length = 0;
		const execution = await runAgent(DEMO_NUMBERS.presses1);
		const [call] = cw.sim.calls();
		expect(call.to).toBe(DEMO_NUMBERS.presses1);
		expect(actionsOf(call)).toEqual(['speak', 'hangup']);
		expect(call.entries.find((e) => e.method === 'speak').params.tts.message).toMatch(
			/wants to run this tool/,
		);
		// What processHitlResponses reads: `approved` on the HITL node's ai_tool output.
		const hitlRuns = execution.data.resultData.runData['Approve by Phone'];
		expect(hitlRuns[hitlRuns.length - 1].data.ai_tool[0][0].json).toMatchObject({
			answered: true,
			approved: true,
			digits: '1',
			status: 'hangup',
		});
		expect(Object.keys(execution.data.resultData.runData)).toEqual(
			expect.arrayContaining(['Approve by Phone', 'Calculator']),
		);
		expect(outputOf(execution, 'Agent')[0].json.output).toBe('Done: [{"response":"42"}]'); // the Calculator's result
		expect(seen.filter((s) => s.url.endsWith('/chat/completions'))).toHaveLength(2);
	});

	test('the approver presses 2: the tool does not run, the agent is told it was declined', async () => {
		seen.length = 0;
		const execution = await runAgent(DEMO_NUMBERS.presses2);
		expect(cw.sim.calls().map((c) => c.to)).toEqual([DEMO_NUMBERS.presses2]);
		expect(Object.keys(execution.data.resultData.runData)).not.toContain('Calculator');
		expect(outputOf(execution, 'Agent')[0].json.output).toMatch(/^Done: .*rejected the tool call/);
	});
});
