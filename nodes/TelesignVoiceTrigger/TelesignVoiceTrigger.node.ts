import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, fromFunction, webhookDescriptionFields } from 'n8n-workflow';

import {
	MIN_WEBHOOK_PASSWORD_LENGTH,
	webhookCredentialProblems,
} from '../shared/telesign/webhookAuth';
import type { AuthenticationMethod } from './description';
import { triggerProperties } from './description';
import { ensureRawBody, getRawBody } from '../shared/relay';
import { relayWaitingCallEvent } from './relay';
import {
	WEBHOOK_PATH,
	assertTriggerConfiguration,
	authenticateRequest,
	buildItemJson,
	checkMethod,
	filterEvent,
	parseEvent,
	respondModeOf,
	sendReply,
} from './webhookSteps';

/*
 * The webhook's response mode and data follow the Respond parameter. n8n inlines these functions' source
 * into expression templates for the editor, so they must stay self-contained (no outer identifiers).
 */
const responseModeFor = (parameters: INodeParameters) =>
	parameters.respond === 'immediately'
		? 'onReceived'
		: parameters.respond === 'responseNode'
			? 'responseNode'
			: 'lastNode';
// Must be "" outside lastNode: n8n's default "firstEntryJson" would otherwise be sent as a literal string.
const responseDataFor = (parameters: INodeParameters) =>
	parameters.respond === 'immediately' || parameters.respond === 'responseNode'
		? ''
		: 'firstEntryJson';

/**
 * n8n ≥ 2.41 (the package's minimum, package.json engines.n8n) resolves fields declared this way from the node's
 * parameters without its expression engine: with the default engine (a V8 isolate per evaluation context) that
 * saves work on every event Telesign posts.
 */
const responseFields = webhookDescriptionFields({
	responseMode: fromFunction(responseModeFor),
	responseData: fromFunction(responseDataFor),
});

export class TelesignVoiceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Telesign Voice Trigger',
		name: 'telesignVoiceTrigger',
		icon: { light: 'file:telesignTrigger.svg', dark: 'file:telesignTrigger.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves as 1. n8n evaluates an expression (the Webhook node's old binaryData option) on every
		// request to a version-1 webhook node; from 1.1 on it does not, which saves time on every event.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'=Events: {{$parameter["events"].includes("*") ? "any" : $parameter["events"].join(", ")}}',
		// n8n's node creator shows this text for the merged "Telesign Voice" entry (action node and trigger), so it
		// describes both.
		description:
			'Place phone calls with Telesign Voice and run workflows on its call events (incoming_call, dial_completed, …), answering each with the next action',
		defaults: { name: 'Telesign Voice Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'telesignVoiceApi',
				required: true,
				displayOptions: { show: { authentication: ['telesignSignature'] } },
			},
			{
				name: 'telesignVoiceWebhookAuthApi',
				required: true,
				displayOptions: { show: { authentication: ['basicAuth', 'digestAuth'] } },
				testedBy: 'telesignVoiceWebhookAuthTest',
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				path: WEBHOOK_PATH,
				...responseFields,
			},
		],
		properties: triggerProperties,
	};

	methods = {
		credentialTest: {
			/** The webhook credential has nothing remote to test against: check it locally and say so. */
			async telesignVoiceWebhookAuthTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const problems = webhookCredentialProblems(
					credential.data?.user,
					credential.data?.password,
				);
				if (problems.length > 0) return { status: 'Error', message: `${problems.join('. ')}.` };
				return {
					status: 'OK',
					message: `User and password are usable (password of at least ${MIN_WEBHOOK_PASSWORD_LENGTH} characters). There is nothing remote to test: give the same values to Telesign support with the webhook URL.`,
				};
			},
		},
	};

	/**
	 * Telesign support registers the URL by hand (there is no API for it), so there is nothing remote to look
	 * up, create or delete. checkExists validates what can be checked locally, so a broken configuration
	 * fails activation with a clear message instead of rejecting every call later. n8n calls create only when
	 * checkExists answers false, which it never does; n8n-workflow's type requires all three methods.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				await assertTriggerConfiguration.call(this);
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const methodReply = checkMethod(req.method);
		if (methodReply) return sendReply.call(this, methodReply);
		await ensureRawBody(req);

		const authentication = this.getNodeParameter(
			'authentication',
			'telesignSignature',
		) as AuthenticationMethod;
		try {
			const authReply = await authenticateRequest.call(this, authentication, req);
			if (authReply) return sendReply.call(this, authReply);
		} catch (error) {
			// A credential that is missing or unusable: fail closed, start nothing, tell the operator in the log.
			this.logger.error(
				`Telesign Voice Trigger cannot check requests: ${(error as Error).message}`,
				{
					node: this.getNode().name,
				},
			);
			return sendReply.call(this, {
				status: 500,
				body: { message: 'Webhook authentication is not configured' },
			});
		}

		const parsed = parseEvent(getRawBody(req));
		if ('reply' in parsed) return sendReply.call(this, parsed.reply);

		const relayed = await relayWaitingCallEvent.call(
			this,
			parsed.event,
			getRawBody(req),
			authentication,
		);
		if (relayed) return relayed;

		const filtered = filterEvent(parsed.event, this.getNodeParameter('events', []));
		if (filtered) return sendReply.call(this, filtered);

		const options = this.getNodeParameter('options', {}) as { includeHeaders?: boolean };
		const workflowData = [
			this.helpers.returnJsonArray(
				buildItemJson(parsed.event, req, options.includeHeaders === true),
			),
		];
		if (respondModeOf(this.getNodeParameter('respond', 'lastNode')) === 'immediately') {
			return { workflowData, webhookResponse: {} };
		}
		return { workflowData };
	}
}
