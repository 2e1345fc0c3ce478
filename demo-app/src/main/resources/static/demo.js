/*
 * The demo page: refreshes the views every second from the actuator, and sends the
 * requests of the buttons that carry a data-request attribute ("METHOD /path", with the
 * JSON of data-body if any), showing the response headers listed in their data-headers
 * attribute. Plain JavaScript, no build.
 *
 * To show something new: add its markup to index.html and a function to `views`; it is
 * called after every refresh with { tiergate, health, embeddedRedis } (each null when its
 * request failed). A new kind of request needs only a button with data-request.
 */
(function () {
	'use strict';

	const REFRESH_MILLIS = 1000;
	const REQUEST_LOG_SIZE = 12;

	const byId = (id) => document.getElementById(id);

	function setText(id, text) {
		byId(id).textContent = (text === undefined || text === null || text === '') ? '–' : String(text);
	}

	function percent(ratio) {
		return (ratio * 100).toFixed(1) + ' %';
	}

	function cell(content, className) {
		const td = document.createElement('td');
		if (className) {
			td.className = className;
		}
		if (content instanceof Node) {
			td.appendChild(content);
		}
		else {
			td.textContent = String(content);
		}
		return td;
	}

	function ratioCell(ratio, className) {
		const wrapper = document.createElement('div');
		wrapper.className = 'ratio ' + className;
		const bar = document.createElement('div');
		bar.className = 'bar';
		const fill = document.createElement('span');
		fill.style.width = Math.round(ratio * 100) + '%';
		bar.appendChild(fill);
		const label = document.createElement('span');
		label.className = 'value';
		label.textContent = percent(ratio);
		wrapper.append(bar, label);
		return cell(wrapper);
	}

	/** The big badge: TIERED while tiergate uses Redis, L1_ONLY while it serves without it. */
	function redisModeView({ tiergate, health }) {
		const badge = byId('redis-mode');
		const component = health && health.components && health.components.tiergate;
		let mode = 'UNKNOWN';
		let label = 'unknown';
		if (component && component.details && component.details.cacheMode) {
			mode = component.details.cacheMode;
			label = (mode === 'TIERED') ? 'TIERED' : mode + ' (fallback)';
		}
		else if (tiergate && tiergate.redis) {
			// No health component: tiergate has no Redis to watch at all.
			mode = (tiergate.redis.mode === 'IN_USE') ? 'TIERED' : 'L1_ONLY';
			label = (mode === 'TIERED') ? 'TIERED'
				: 'L1_ONLY (' + ((tiergate.redis.mode === 'FALLBACK') ? 'fallback' : 'no Redis configured') + ')';
		}
		badge.dataset.mode = mode;
		badge.textContent = label;
		setText('health-status', component ? component.status : (health ? 'no tiergate component' : null));
		const redis = tiergate && tiergate.redis;
		setText('circuit-breaker', redis && redis.circuitBreaker);
		setText('redis-since', redis && redis.since && new Date(redis.since).toLocaleTimeString());
		setText('fallback-activations', redis && redis.fallbackActivations);
		setText('last-error', redis && redis.lastError);
		const rateLimits = tiergate && tiergate.rateLimits;
		setText('rate-limit-mode', rateLimits ? rateLimits.mode : (tiergate ? 'off' : null));
	}

	function embeddedRedisView({ embeddedRedis }) {
		if (!embeddedRedis) {
			setText('embedded-redis', null);
			return;
		}
		const embedded = embeddedRedis.embedded;
		setText('embedded-redis', embedded
			? (embeddedRedis.running ? 'running' : 'stopped') + ' at ' + embeddedRedis.url
			: 'not started by the demo (a Redis of your own is configured)');
		byId('redis-stop').hidden = !embedded;
		byId('redis-start').hidden = !embedded;
	}

	/** One row per cache, rebuilt on each refresh; cells have classes so tests can find them. */
	function cachesView({ tiergate }) {
		if (!tiergate) {
			return;
		}
		const names = Object.keys(tiergate.caches).sort();
		if (names.length === 0) {
			return;
		}
		const rows = names.map((name) => {
			const cache = tiergate.caches[name];
			const errors = Object.values(cache.errors).reduce((sum, count) => sum + count, 0);
			const row = document.createElement('tr');
			row.id = 'cache-' + name;
			row.append(cell(name, 'name'), cell(cache.mode, 'mode'), cell(cache.l1Size, 'number l1-size'),
				ratioCell(cache.l1HitRatio, 'l1-hit-ratio'),
				cell(cache.l1Hits + ' / ' + cache.l1Misses, 'number l1-counts'),
				ratioCell(cache.l2HitRatio, 'l2-hit-ratio'),
				cell(cache.l2Hits + ' / ' + cache.l2Misses, 'number l2-counts'),
				cell(cache.loads, 'number loads'), cell(errors, 'number errors'));
			return row;
		});
		byId('caches').tBodies[0].replaceChildren(...rows);
	}

	/** "5, +1 per 10s": capacity and refill of each limit of a tier. */
	function describeLimits(limits) {
		return limits.map((limit) => limit.capacity + ', +' + limit.refillTokens + ' per '
			+ limit.refillPeriod.replace(/^PT/, '').toLowerCase()).join('; ');
	}

	/** One row per rate-limit tier, with the counts of this instance. */
	function tiersView({ tiergate }) {
		const rateLimits = tiergate && tiergate.rateLimits;
		if (!rateLimits) {
			return;
		}
		const rows = Object.keys(rateLimits.tiers).sort().map((name) => {
			const tier = rateLimits.tiers[name];
			const row = document.createElement('tr');
			row.id = 'tier-' + name;
			row.append(cell(name, 'name'), cell(describeLimits(tier.limits), 'limits'),
				cell(tier.onRedisFailure.toLowerCase(), 'on-redis-failure'), cell(tier.allowed, 'number allowed'),
				cell(tier.rejected, 'number rejected'), cell(tier.checkedLocally, 'number checked-locally'));
			return row;
		});
		byId('tiers').tBodies[0].replaceChildren(...rows);
	}

	/*
	 * The chart of the last CHART_SECONDS: each refresh adds a sample of the summed cache
	 * counters; a point is the change between two samples. Hand-drawn SVG paths, so the
	 * page needs nothing from the network but the application itself.
	 */
	const CHART_SECONDS = 300;
	const CHART_WIDTH = 600;
	const CHART_TOP = 10;
	const CHART_BOTTOM = 160;
	const samples = [];

	function totals(caches) {
		const sum = { l1Hits: 0, l1Misses: 0, l2Hits: 0, l2Misses: 0 };
		for (const cache of Object.values(caches)) {
			for (const name of Object.keys(sum)) {
				sum[name] += cache[name];
			}
		}
		return sum;
	}

	/** The intervals between samples: L1 and L2 hit ratio (null when no lookup reached the tier) and lookups per second. */
	function points() {
		const result = [];
		for (let i = 1; i < samples.length; i++) {
			const before = samples[i - 1];
			const after = samples[i];
			const l1Hits = after.l1Hits - before.l1Hits;
			const l1Gets = l1Hits + after.l1Misses - before.l1Misses;
			const l2Hits = after.l2Hits - before.l2Hits;
			const l2Gets = l2Hits + after.l2Misses - before.l2Misses;
			if (l1Gets < 0 || l2Gets < 0) {
				continue; // the counters started over: the application was restarted
			}
			result.push({ time: after.time, l1: l1Gets > 0 ? l1Hits / l1Gets : null,
				l2: l2Gets > 0 ? l2Hits / l2Gets : null, rate: l1Gets * 1000 / (after.time - before.time) });
		}
		return result;
	}

	/** 1, 2 or 5 times a power of ten, at least the value: the top of the rate axis. */
	function niceCeiling(value) {
		let step = 1;
		while (step * 10 <= value) {
			step *= 10;
		}
		return [1, 2, 5, 10].map((factor) => factor * step).find((top) => top >= value);
	}

	/** An SVG path through the points that have a value; a missing value breaks the line. */
	function pathOf(list, now, value, top) {
		let d = '';
		let drawing = false;
		for (const point of list) {
			const y = value(point);
			if (y === null) {
				drawing = false;
				continue;
			}
			const px = CHART_WIDTH - (now - point.time) / 1000 / CHART_SECONDS * CHART_WIDTH;
			const py = CHART_BOTTOM - Math.min(y / top, 1) * (CHART_BOTTOM - CHART_TOP);
			d += (drawing ? ' L' : ' M') + px.toFixed(1) + ' ' + py.toFixed(1);
			drawing = true;
		}
		return d.trim();
	}

	function chartView({ tiergate }) {
		if (!tiergate) {
			return;
		}
		const now = Date.now();
		samples.push({ time: now, ...totals(tiergate.caches) });
		while (samples.length > 2 && now - samples[1].time > CHART_SECONDS * 1000) {
			samples.shift();
		}
		const list = points();
		const rateTop = niceCeiling(Math.max(1, ...list.map((point) => point.rate)));
		byId('chart-l1').setAttribute('d', pathOf(list, now, (point) => point.l1, 1));
		byId('chart-l2').setAttribute('d', pathOf(list, now, (point) => point.l2, 1));
		byId('chart-rate').setAttribute('d', pathOf(list, now, (point) => point.rate, rateTop));
		byId('activity-chart').dataset.samples = String(samples.length);
		const last = list[list.length - 1];
		setText('chart-l1-now', last && last.l1 !== null ? percent(last.l1) : null);
		setText('chart-l2-now', last && last.l2 !== null ? percent(last.l2) : null);
		setText('chart-rate-now', last ? last.rate.toFixed(1) : null);
		setText('chart-rate-max', rateTop);
	}

	const views = [redisModeView, embeddedRedisView, cachesView, tiersView, chartView];

	async function getJson(url) {
		// The health endpoint answers 503 with a body when something is DOWN: read it anyway.
		const response = await fetch(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
		return response.json();
	}

	async function settle(promise) {
		try {
			return await promise;
		}
		catch (ex) {
			return null;
		}
	}

	let refreshTimer = null;

	async function refresh() {
		clearTimeout(refreshTimer);
		const [tiergate, health, embeddedRedis] = await Promise.all([settle(getJson('/actuator/tiergate')),
			settle(getJson('/actuator/health')), settle(getJson('/demo/redis'))]);
		const data = { tiergate, health, embeddedRedis };
		for (const view of views) {
			try {
				view(data);
			}
			catch (ex) {
				console.error('A view failed', view.name, ex);
			}
		}
		const failed = !tiergate || !health;
		const error = byId('poll-error');
		error.hidden = !failed;
		error.textContent = failed ? 'The application does not answer.' : '';
		if (!failed) {
			setText('last-refresh', new Date().toLocaleTimeString());
		}
		refreshTimer = setTimeout(refresh, REFRESH_MILLIS);
	}

	function logRequest(request, status, headers, millis) {
		const row = document.createElement('tr');
		const headerText = headers.map(([name, value]) => name + ': ' + (value === null ? '–' : value)).join('   ');
		row.append(cell(new Date().toLocaleTimeString()), cell(request), cell(status, (status >= 400 || status === 'failed') ? 'status-error' : ''),
			cell(headerText, 'headers'), cell(millis + ' ms', 'number'));
		const body = byId('request-log').tBodies[0];
		body.prepend(row);
		while (body.rows.length > REQUEST_LOG_SIZE) {
			body.deleteRow(-1);
		}
	}

	/** L1, L2 or BACKEND from tiergate's Cache-Status (RFC 9211), for the badge's colour. */
	function cacheSource(status) {
		if (!status) {
			return '';
		}
		const hit = /;\s*hit\b.*detail=(l1|l2)/.exec(status);
		return hit ? hit[1].toUpperCase() : 'BACKEND';
	}

	/** Shows a cached lookup's Cache-Status and times in the last-response line of the button's card. */
	function showLastResponse(button, response, millis) {
		const line = button.closest('.card').querySelector('.last-response');
		const badge = line.querySelector('.cache-status');
		const status = response ? response.headers.get('Cache-Status') : null;
		badge.dataset.source = cacheSource(status);
		badge.textContent = status ? 'Cache-Status: ' + status : (response ? 'HTTP ' + response.status : 'failed');
		const serverMillis = response ? response.headers.get('X-Response-Time-Ms') : null;
		line.querySelector('.time').textContent = (serverMillis !== null ? 'lookup ' + serverMillis + ' ms, ' : '')
			+ 'round trip ' + millis + ' ms';
	}

	async function send(button) {
		const [method, url] = button.dataset.request.split(' ');
		const shown = (button.dataset.headers || '').split(' ').filter(Boolean);
		button.disabled = true;
		const started = performance.now();
		let response = null;
		try {
			const body = button.dataset.body;
			response = await fetch(url, body === undefined ? { method, cache: 'no-store' }
				: { method, cache: 'no-store', body, headers: { 'Content-Type': 'application/json' } });
		}
		catch (ex) {
			// Logged below as failed.
		}
		const millis = Math.round(performance.now() - started);
		button.disabled = false;
		logRequest(method + ' ' + url, response ? response.status : 'failed',
			shown.map((name) => [name, response ? response.headers.get(name) : null]), millis);
		if (response && shown.includes('Cache-Status')) {
			showLastResponse(button, response, millis);
		}
		refresh();
	}

	/**
	 * Streams the chat answer into its box with an EventSource: one message event per
	 * token, then a done event with how many streamed answers the model wrote so far. An
	 * EventSource cannot read the status: an error before it opened is a refusal (HTTP 429
	 * once the chat tier's bucket is empty).
	 */
	function streamChat() {
		const button = byId('chat-stream-ask');
		const box = byId('chat-stream-answer');
		const prompt = byId('chat-stream-prompt').value;
		const url = '/api/chat/stream?prompt=' + encodeURIComponent(prompt);
		const tokens = [];
		const started = performance.now();
		let firstTokenMillis = null;
		let opened = false;
		button.disabled = true;
		box.textContent = '';
		box.dataset.state = 'streaming';
		setText('chat-stream-status', 'streaming…');
		const events = new EventSource(url);
		const finish = (state, status, text) => {
			events.close();
			button.disabled = false;
			box.dataset.state = state;
			setText('chat-stream-status', text);
			logRequest('GET ' + url, status, [], Math.round(performance.now() - started));
			refresh();
		};
		events.onopen = () => {
			opened = true;
		};
		events.onmessage = (event) => {
			if (firstTokenMillis === null) {
				firstTokenMillis = Math.round(performance.now() - started);
			}
			tokens.push(event.data);
			box.textContent = tokens.join(' ');
		};
		events.addEventListener('done', (event) => {
			const millis = Math.round(performance.now() - started);
			finish('done', 200, tokens.length + ' tokens in ' + millis + ' ms, the first after ' + firstTokenMillis
				+ ' ms; answers the model wrote so far: ' + event.data);
		});
		events.onerror = () => {
			finish('failed', opened ? 'stream broke' : 'refused',
				opened ? 'The stream broke off.' : 'Refused: HTTP 429 once the chat tier is empty (or 400 for a prompt over 2,000 characters).');
		};
	}

	byId('chat-stream-ask').addEventListener('click', streamChat);

	document.addEventListener('click', (event) => {
		const button = event.target.closest('button[data-request]');
		if (button) {
			send(button);
		}
	});

	refresh();
})();
