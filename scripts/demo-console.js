'use strict';
/**
 * What `npm start` prints: the banner (where everything is, the simulator's test account, what to try) and one
 * line per call event. Pure functions of their inputs, so they are unit-tested (test/unit/demo-console.test.js).
 */

const localhost = (url) => url.replace('127.0.0.1', 'localhost');

/**
 * @param {{n8nUrl: string, owner: {email: string, password: string}, simulatorUrl: string,
 *          account: {customerId: string, apiKey: string}, credentialName: string, workflowNames: string[],
 *          alertUrl: string, dialAlertUrl: string, escalationUrl: string, callLogWebhookUrl: string, n8nLog: string,
 *          numbers: {answers: string, busy: string, hangsUp: string, presses1: string, presses2: string, presses9: string, callerId: string}}} o
 */
function demoBanner(o) {
	const n = o.numbers;
	return `
──────────────────────────────────────────────────────────────────────────────
 Telesign Voice demo is running (Ctrl+C to stop)

 n8n:        ${localhost(o.n8nUrl)}   (log in: ${o.owner.email} / ${o.owner.password})
 Simulator:  ${o.simulatorUrl}   (stands in for Telesign; call log: ${o.simulatorUrl}/_sim/calls)
 Credential: "${o.credentialName}" → ${o.simulatorUrl}
   Customer ID: ${o.account.customerId}
   API key:     ${o.account.apiKey}
   (the simulator's local test account, not a secret: use it in your own Telesign Voice credentials too,
   with Base URL ${o.simulatorUrl})

 Workflows (active): ${o.workflowNames.map((name) => `"${name}"`).join(', ')}

 Alert call with Call and Wait (the callee presses 1; the execution resumes with acknowledged: true):
   curl -s -X POST ${localhost(o.alertUrl)} -H 'content-type: application/json' \\
     -d '{"to":"${n.presses1}","message":"Disk space on db-1 is below 5 percent."}'
   Answered 202 at once; a bad number or no message: 400 with what to fix. Other callees: ${n.presses2} presses 2,
   ${n.busy} is busy, ${n.answers} answers and presses nothing.

 On-call escalation with Call and Wait (the first engineer presses 9, the second presses 1):
   curl -s -X POST ${localhost(o.escalationUrl)} -H 'content-type: application/json' \\
     -d '{"message":"Checkout is down.","oncall":["${n.presses9}","${n.presses1}"]}'
   Answered 202 at once (the execution then waits for the calls); a missing message or a bad number: 400 with what to fix.

 Advanced: an alert call driven with Dial and the trigger's events (the callee answers and listens):
   curl -s -X POST ${localhost(o.dialAlertUrl)} -H 'content-type: application/json' \\
     -d '{"numbers":["${n.answers}"],"message":"Disk space on db-1 is below 5 percent."}'
   Other callees: ${n.busy} is busy, ${n.hangsUp} hangs up during the message.
   A bad number or a message over 128 characters is answered 400 with what to fix.

 Call the IVR menu (the caller presses 1 → bridged to sales; use "from":"${n.presses2}" for 2):
   curl -s -X POST ${o.simulatorUrl}/_sim/inbound -d '{"from":"${n.presses1}","to":"${n.callerId}"}'

 Telesign posts all events of an account to one URL; the simulator sends outbound calls' events to the
 advanced alert workflow (its trigger also relays the Call and Wait calls' events) and inbound calls' to
 the IVR. To feed the call log workflow instead (the Call and Wait examples then wait in vain):
   curl -s -X POST ${o.simulatorUrl}/_sim/config -d '{"webhookUrl":"${o.callLogWebhookUrl}"}'

 Then open the workflows' Executions tab in n8n, the "telesign_call_log" Data Table, or ${o.simulatorUrl}/_sim/calls.

 n8n's log: ${o.n8nLog}
   Expected there in this demo: 404s for the GET requests that checked the webhooks were registered, and
   "the webhook URL is not HTTPS" warnings (Telesign needs HTTPS; the local simulator does not).
──────────────────────────────────────────────────────────────────────────────
`;
}

/**
 * The action method in a webhook answer. The simulator keeps the answer body as the text it received; an
 * object (already parsed) is accepted too. Undefined when the answer is not an action.
 */
function answeredAction(responseBody) {
	let body = responseBody;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	return body !== null && typeof body === 'object' && typeof body.method === 'string'
		? body.method
		: undefined;
}

/**
 * One console line per event the simulator posted, e.g. "[simulator] 9B005C dial_completed (answered): webhook 200 → speak".
 * @param {{reference_id: string, event: string, body?: {data?: {status?: string}}, webhookStatus: number|null, error?: string}} e
 * @param {unknown} responseBody the answer's body as the simulator logged it
 */
function eventLine(e, responseBody) {
	const status = e.webhookStatus === null ? e.error : e.webhookStatus;
	const action = answeredAction(responseBody);
	const callStatus = e.body?.data?.status ? ` (${e.body.data.status})` : '';
	return `  [simulator] ${e.reference_id.slice(-6)} ${e.event}${callStatus}: webhook ${status}${action ? ` → ${action}` : ''}`;
}

module.exports = { demoBanner, answeredAction, eventLine };
