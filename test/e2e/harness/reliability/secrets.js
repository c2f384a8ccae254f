'use strict';
/**
 * Collects every text the suite saw (HTTP bodies, error items, execution data, logs) by source, and searches
 * them for secrets and their encoded forms.
 */
class SecretScanner {
	constructor() {
		/** @type {Array<{label: string, value: string}>} */
		this.secrets = [];
		/** @type {Map<string, string[]>} */
		this.sources = new Map();
	}

	/** Adds a secret and the forms it could leak in (base64 of a Basic header, URL-encoded, JSON-escaped). */
	addSecret(label, value, { basicUser } = {}) {
		const forms = new Map([[label, value]]);
		forms.set(`${label} (URL-encoded)`, encodeURIComponent(value));
		forms.set(`${label} (JSON-escaped)`, JSON.stringify(value).slice(1, -1));
		if (basicUser !== undefined)
			forms.set(
				`${label} (in a Basic header)`,
				Buffer.from(`${basicUser}:${value}`).toString('base64'),
			);
		for (const [formLabel, formValue] of forms) {
			if (formValue.length >= 8 && !this.secrets.some((s) => s.value === formValue))
				this.secrets.push({ label: formLabel, value: formValue });
		}
	}

	add(source, value) {
		if (value === undefined || value === null) return;
		const text =
			typeof value === 'string'
				? value
				: Buffer.isBuffer(value)
					? value.toString('utf8')
					: safeJson(value);
		if (!this.sources.has(source)) this.sources.set(source, []);
		this.sources.get(source).push(text);
	}

	/** The collected texts, as [source, texts] pairs (what a test file hands on to the secrets scan). */
	texts() {
		return [...this.sources.entries()];
	}

	/** Adds texts collected elsewhere (texts() of another scanner), keeping the order of their sources. */
	addTexts(pairs) {
		for (const [source, texts] of pairs) for (const text of texts) this.add(source, text);
	}

	/** [{source, items, bytes, findings: [{label, where}]}] */
	scan() {
		return [...this.sources.entries()].map(([source, texts]) => {
			const findings = [];
			let bytes = 0;
			texts.forEach((text, index) => {
				bytes += text.length;
				for (const secret of this.secrets) {
					const at = text.indexOf(secret.value);
					if (at >= 0)
						findings.push({
							label: secret.label,
							where: `#${index} at ${at}: …${text.slice(Math.max(0, at - 60), at)}[SECRET]…`,
						});
				}
			});
			return { source, items: texts.length, bytes, findings };
		});
	}
}

function safeJson(value) {
	try {
		return JSON.stringify(value);
	} catch {
		return String(value);
	}
}

module.exports = { SecretScanner };
