// SPDX-License-Identifier: Apache-2.0
// certreport serve: the page's script (GET /app.js). No framework, no build step.
//
// The token stays in this tab (memory and sessionStorage). The submission (and, for staff, the
// audit log) is sent to /v1/validate, /v1/score and /v1/report with "Authorization: Bearer".
// What-if: the submission is parsed here (DOMParser); a changed answer or outcome value is written
// into an in-memory copy (XMLSerializer) that goes to /v1/score at once. Nothing is saved: the
// report and the PDF are always made from the files as given.
'use strict';

(function () {
  const ANSWERS = ['yes', 'in-progress', 'no'];
  const PREVIEW_PAGES = 2;
  const RETRIES = 5; // 503 (every render slot busy): retried after Retry-After, this many times

  const state = {
    i18n: null,
    lang: 'en',
    catalog: null,
    token: '',
    subText: '',
    auditText: '',
    auditDoc: null,
    doc: null, // the submission as given
    whatDoc: null, // the what-if copy
    whatAudit: null, // the audit log's what-if copy (change events of changed criteria dropped)
    answers: {}, // code -> answer after the audit (what the city is scored on)
    whatAnswers: {}, // the same in the what-if
    score: null, // the scorecard of the files as given
    shown: null, // the scorecard on screen (maybe a what-if one)
    whatIf: false,
    seq: 0,
    urls: [],
    id: '',
  };

  const $ = (id) => document.getElementById(id);

  function t(key, vars) {
    const table = state.i18n[state.lang] || state.i18n.en;
    let s = table[key] !== undefined ? table[key] : state.i18n.en[key] || key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
    return s;
  }

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  }

  function say(msg, isError) {
    const s = $('status');
    s.textContent = msg;
    s.classList.toggle('error', !!isError);
  }

  const norm = (a) => String(a || '').trim().toLowerCase().replace(/[_ ]/g, '-');
  const tierName = (id) => {
    const tier = state.catalog && state.catalog.tiers.find((x) => x.id === id);
    return tier ? tier.name : id;
  };
  const outcomeName = (id) => {
    const o = state.catalog && state.catalog.outcomes.find((x) => x.id === id);
    return o ? o.name : id;
  };
  const list = (xs) => xs.join(', ');

  // ---- talking to the service ----

  class HttpError extends Error {
    constructor(code, body) {
      super((body && body.error) || String(code));
      this.code = code;
      this.body = body;
    }
  }

  async function call(path, submission, audit, as) {
    for (let attempt = 0; ; attempt++) {
      const form = new FormData();
      form.append('submission', new Blob([submission], { type: 'application/xml' }), 'submission.xml');
      if (audit) form.append('audit', new Blob([audit], { type: 'application/xml' }), 'audit.xml');
      let r;
      try {
        r = await fetch(path, {
          method: 'POST',
          headers: { Authorization: 'Bearer ' + state.token },
          body: form,
          cache: 'no-store',
        });
      } catch (e) {
        throw new HttpError(0, { error: t('err_network'), diagnostics: [] });
      }
      if (r.status === 503 && attempt < RETRIES) {
        const wait = Math.min(5, Number(r.headers.get('Retry-After')) || 1);
        await new Promise((ok) => setTimeout(ok, wait * 1000));
        continue;
      }
      if (!r.ok) {
        let body = null;
        try {
          body = await r.json();
        } catch (e) {
          body = { error: r.statusText, diagnostics: [] };
        }
        throw new HttpError(r.status, body);
      }
      return as === 'blob' ? r.blob() : r.json();
    }
  }

  function showHttpError(e) {
    const msg = e.code ? t('err_http', { code: e.code, message: e.message }) : e.message;
    say(msg, true);
    const d = (e.body && e.body.diagnostics) || [];
    if (d.length) showDiagnostics({ diagnostics: d, warnings: [] });
  }

  // ---- diagnostics ----

  function showDiagnostics(v) {
    const body = $('diag-body');
    body.replaceChildren();
    const errors = v.diagnostics || [];
    const warnings = v.warnings || [];
    if (!errors.length && !warnings.length) body.append(el('p', { class: 'ok', text: t('diag_ok') }));
    for (const [key, items] of [['diag_errors', errors], ['diag_warnings', warnings]]) {
      if (!items.length) continue;
      body.append(el('h3', { text: t(key) + ' (' + items.length + ')' }));
      body.append(el('ul', { id: key === 'diag_errors' ? 'diag-errors' : 'diag-warnings' },
        ...items.map((x) => el('li', { text: x }))));
    }
    $('diag').hidden = false;
    $('diag').dataset.valid = errors.length ? 'false' : 'true';
  }

  // ---- the scorecard ----

  function roadmapItems(s) {
    const rm = s.roadmap;
    if (!rm) return [];
    if (!rm.eligible || s.eligible === false) return [t('roadmap_ineligible')];
    if (!rm.tiers || !rm.tiers.length) return [t('roadmap_top')];
    return rm.tiers.map((x) => {
      const parts = [];
      if (x.more_criteria > 0)
        parts.push(x.more_criteria === 1 ? t('roadmap_criteria_one') : t('roadmap_criteria', { n: x.more_criteria }));
      if (x.missing_core && x.missing_core.length) parts.push(t('roadmap_core', { list: list(x.missing_core) }));
      if (x.missing_required && x.missing_required.length)
        parts.push(t('roadmap_required', { list: list(x.missing_required) }));
      if (x.more_outcomes > 0) {
        const names = list((x.outcome_candidates || []).map(outcomeName));
        parts.push(x.more_outcomes === 1 ? t('roadmap_outcomes_one', { list: names })
          : t('roadmap_outcomes', { n: x.more_outcomes, list: names }));
      }
      if (!parts.length) parts.push(t('roadmap_ready'));
      return tierName(x.tier) + ': ' + parts.join('; ');
    });
  }

  function renderScore() {
    const s = state.shown;
    if (!s || !state.catalog) return;
    $('results').hidden = false;
    $('whatif-badge').hidden = !state.whatIf;
    $('score').classList.toggle('is-whatif', state.whatIf);
    $('city').textContent = t('city', { city: s.city, country: (state.catalog.regions && state.catalog.regions[s.region]) || s.region_name || s.country, cycle: s.cycle });
    const tier = $('tier');
    tier.textContent = s.tier ? tierName(s.tier) : t('tier_none');
    tier.dataset.tier = s.tier || 'none';
    $('awarded').textContent = s.awarded ? tierName(s.awarded) : t('awarded_none');
    $('met').textContent = t('met', { met: s.met, total: s.total, percent: s.percent });
    $('met').dataset.met = String(s.met);

    const rows = state.catalog.areas.map((a) => {
      const v = (s.areas && s.areas[a.code]) || { met: 0, total: a.criteria.length, percent: 0 };
      const fill = el('span', { class: 'fill' });
      fill.style.width = Math.max(0, Math.min(100, v.percent)) + '%';
      return el('tr', { 'data-area': a.code },
        el('th', { scope: 'row', text: a.name }),
        el('td', { class: 'num', text: v.met + '/' + v.total }),
        el('td', {}, el('span', { class: 'bar' },
          el('span', { class: 'track', 'aria-hidden': 'true' }, fill),
          el('span', { class: 'pct', text: v.percent + '%' }))));
    });
    $('areas').replaceChildren(...rows);

    $('outcomes').replaceChildren(...state.catalog.outcomes.map((o) => {
      const met = s.outcomes && s.outcomes[o.id];
      return el('li', {},
        el('span', { text: o.name + ': ' }),
        el('span', { class: met ? 'yes' : 'no', text: met ? t('outcome_met') : t('outcome_not_met') }));
    }));
    const notes = [];
    if (s.core_missing && s.core_missing.length) notes.push(t('core_missing', { list: list(s.core_missing) }));
    if (s.changed && s.changed.length) notes.push(t('changed', { list: list(s.changed) }));
    if (s.stale && s.stale.length) notes.push(t('stale', { list: list(s.stale) }));
    $('notes').textContent = notes.join(' · ');
    $('roadmap').replaceChildren(...roadmapItems(s).map((x) => el('li', { text: x })));
  }

  function announce() {
    const s = state.shown;
    if (!s) return;
    const tier = s.tier ? tierName(s.tier) : t('tier_none');
    say(t(state.whatIf ? 'status_whatif' : 'status_done', { tier, met: s.met, total: s.total }));
  }

  // ---- the what-if form ----

  function responseOf(doc, code) {
    for (const r of doc.getElementsByTagName('response'))
      if ((r.getAttribute('criterion') || '').toUpperCase() === code) return r;
    return null;
  }

  function outcomeOf(doc, id) {
    for (const o of doc.getElementsByTagName('outcome')) if (o.getAttribute('metric') === id) return o;
    return null;
  }

  // The answers the city is scored on: the submission's, with the audit log's changes replayed
  // (a change applies only when its "from" is the answer at that point, as the scorer does).
  function effectiveAnswers(doc, audit) {
    const a = {};
    for (const r of doc.getElementsByTagName('response'))
      a[(r.getAttribute('criterion') || '').toUpperCase()] = norm(r.getAttribute('answer'));
    if (audit) {
      for (const e of audit.getElementsByTagName('event')) {
        if (e.getAttribute('type') !== 'change') continue;
        const code = (e.getAttribute('criterion') || '').toUpperCase();
        if (a[code] !== undefined && a[code] === norm(e.getAttribute('from'))) a[code] = norm(e.getAttribute('to'));
      }
    }
    return a;
  }

  function buildWhatIf() {
    const box = $('whatif-areas');
    box.replaceChildren();
    if (!state.doc || !state.catalog) return;
    for (const area of state.catalog.areas) {
      const fs = el('fieldset', { 'data-area': area.code }, el('legend', { text: area.code + ' · ' + area.name }));
      for (const c of area.criteria) {
        const id = 'wi-' + c.code;
        const sel = el('select', { id, 'data-code': c.code, 'aria-describedby': id + '-s' });
        for (const a of ANSWERS) {
          const opt = el('option', { value: a, text: t('answer_' + a) });
          sel.append(opt);
        }
        const cur = state.whatAnswers[c.code] || 'no';
        sel.value = cur;
        sel.addEventListener('change', () => whatIfAnswer(c.code, sel.value));
        const row = el('div', { class: 'crit' + (cur !== state.answers[c.code] ? ' changed' : '') },
          el('span', { class: 'code', text: c.code }),
          el('label', { for: id, class: 'name' }, c.name,
            c.core ? el('span', { class: 'tag', text: t('core') }) : null,
            el('span', { class: 'stmt', id: id + '-s', text: c.statement })),
          sel);
        fs.append(row);
      }
      box.append(fs);
    }
    const fs = el('fieldset', { 'data-area': 'outcomes' }, el('legend', { text: t('outcomes_heading') }));
    for (const o of state.catalog.outcomes) {
      const id = 'wo-' + o.id;
      const node = outcomeOf(state.whatDoc, o.id);
      const value = node && node.getAttribute('value');
      let control;
      let rule;
      if (o.rule === 'verdict') {
        const met = state.shown && state.shown.outcomes && state.shown.outcomes[o.id];
        control = el('output', { id, class: met ? 'yes' : 'no', text: met ? t('outcome_met') : t('outcome_not_met') });
        rule = t('rule_verdict');
      } else {
        control = el('input', { id, type: 'number', step: 'any', inputmode: 'decimal', 'data-outcome': o.id, 'aria-describedby': id + '-s' });
        control.value = value !== null && value !== undefined ? value : '';
        control.addEventListener('change', () => whatIfOutcome(o.id, control.value.trim()));
        const unit = !o.unit ? '' : o.unit === '%' ? '%' : '\u00a0' + o.unit;
        rule = t('rule_' + o.rule, { n: o.standard, unit });
      }
      const orig = outcomeOf(state.doc, o.id);
      const changed = o.rule !== 'verdict' && (orig ? orig.getAttribute('value') : null) !== (value === undefined ? null : value);
      fs.append(el('div', { class: 'crit outcome' + (changed ? ' changed' : '') },
        el('label', { for: id, class: 'name' }, o.name,
          el('span', { class: 'stmt', id: id + '-s', text: (o.indicator ? o.indicator + ' — ' : '') + rule })),
        control));
    }
    box.append(fs);
    $('whatif').hidden = false;
  }

  async function rescore() {
    const seq = ++state.seq;
    const sub = new XMLSerializer().serializeToString(state.whatDoc);
    const audit = state.whatAudit ? new XMLSerializer().serializeToString(state.whatAudit) : null;
    try {
      const s = await call('/v1/score', sub, audit);
      if (seq !== state.seq) return; // a later change is on its way
      state.shown = s;
      state.whatIf = true;
      renderScore();
      markChanged();
      announce();
    } catch (e) {
      if (seq === state.seq) showHttpError(e);
    }
  }

  function markChanged() {
    for (const sel of $('whatif-areas').querySelectorAll('select[data-code]')) {
      const row = sel.closest('.crit');
      row.classList.toggle('changed', sel.value !== state.answers[sel.dataset.code]);
    }
    for (const inp of $('whatif-areas').querySelectorAll('input[data-outcome]')) {
      const orig = outcomeOf(state.doc, inp.dataset.outcome);
      const was = orig && orig.getAttribute('value') !== null ? orig.getAttribute('value') : '';
      inp.closest('.crit').classList.toggle('changed', inp.value.trim() !== was);
    }
  }

  function whatIfAnswer(code, answer) {
    state.whatAnswers[code] = answer;
    let r = responseOf(state.whatDoc, code);
    if (!r) {
      const responses = state.whatDoc.getElementsByTagName('responses')[0];
      if (!responses) return;
      r = state.whatDoc.createElementNS(responses.namespaceURI, 'response');
      r.setAttribute('criterion', code);
      responses.append(r);
    }
    r.setAttribute('answer', answer);
    // The answer counts as given: the reviewers' changes of that criterion are left out.
    if (state.whatAudit)
      for (const e of Array.from(state.whatAudit.getElementsByTagName('event')))
        if (e.getAttribute('type') === 'change' && (e.getAttribute('criterion') || '').toUpperCase() === code) e.remove();
    rescore();
  }

  function whatIfOutcome(id, value) {
    const doc = state.whatDoc;
    let o = outcomeOf(doc, id);
    if (!o && value !== '') {
      let outcomes = doc.getElementsByTagName('outcomes')[0];
      const root = doc.documentElement;
      if (!outcomes) {
        outcomes = doc.createElementNS(root.namespaceURI, 'outcomes');
        const responses = doc.getElementsByTagName('responses')[0];
        root.insertBefore(outcomes, responses ? responses.nextSibling : null);
      }
      o = doc.createElementNS(root.namespaceURI, 'outcome');
      o.setAttribute('metric', id);
      outcomes.append(o);
    }
    if (!o) return;
    if (value === '') o.removeAttribute('value');
    else o.setAttribute('value', value);
    rescore();
  }

  function resetWhatIf() {
    if (!state.doc) return;
    state.whatDoc = state.doc.cloneNode(true);
    state.whatAudit = state.auditDoc ? state.auditDoc.cloneNode(true) : null;
    state.whatAnswers = Object.assign({}, state.answers);
    state.seq++;
    state.shown = state.score;
    state.whatIf = false;
    renderScore();
    buildWhatIf();
    announce();
  }

  // ---- previews and the PDF ----

  function reportQuery(format, page) {
    const q = new URLSearchParams({ format });
    const lang = $('report-lang').value;
    if (lang) q.set('lang', lang);
    if (page) q.set('page', String(page));
    return '/v1/report?' + q.toString();
  }

  async function loadPreviews() {
    for (const u of state.urls) URL.revokeObjectURL(u);
    state.urls = [];
    const box = $('pages');
    box.replaceChildren(el('p', { class: 'hint', text: t('preview_loading') }));
    const figs = [];
    for (let n = 1; n <= PREVIEW_PAGES; n++) {
      try {
        const b = await call(reportQuery('png', n), state.subText, state.auditText || null, 'blob');
        const url = URL.createObjectURL(b);
        state.urls.push(url);
        figs.push(el('figure', {}, el('img', { src: url, alt: t('preview_page', { n }), 'data-page': String(n) }),
          el('figcaption', { text: t('preview_page', { n }) })));
      } catch (e) {
        if (!(e.code === 400 && n > 1)) showHttpError(e); // a one-page report has no page 2
        break;
      }
    }
    box.replaceChildren(...figs);
  }

  async function downloadPdf() {
    try {
      const b = await call(reportQuery('pdf'), state.subText, state.auditText || null, 'blob');
      const url = URL.createObjectURL(b);
      const a = el('a', { href: url, download: (state.id || 'report') + '.pdf' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      say(t('status_pdf'));
    } catch (e) {
      showHttpError(e);
    }
  }

  // ---- the main flow ----

  async function go(ev) {
    ev.preventDefault();
    state.token = $('token').value.trim();
    sessionStorage.setItem('certreport.token', state.token);
    for (const [file, text] of [['sub-file', 'sub-text'], ['audit-file', 'audit-text']]) {
      const f = $(file).files && $(file).files[0];
      if (f && !$(text).value.trim()) $(text).value = await f.text();
    }
    state.subText = $('sub-text').value;
    state.auditText = $('audit-text').value.trim() ? $('audit-text').value : '';
    if (!state.token) return say(t('err_token'), true), $('token').focus();
    if (!state.subText.trim()) return say(t('err_submission'), true), $('sub-file').focus();
    $('go').disabled = true;
    $('download').disabled = true;
    say(t('status_checking'));
    try {
      const v = await call('/v1/validate', state.subText, state.auditText || null);
      showDiagnostics(v);
      if (!v.valid) {
        $('results').hidden = true;
        $('whatif').hidden = true;
        say(t('status_invalid'), true);
        return;
      }
      const parser = new DOMParser();
      const doc = parser.parseFromString(state.subText, 'application/xml');
      if (doc.getElementsByTagName('parsererror').length) return say(t('err_xml'), true);
      const audit = state.auditText ? parser.parseFromString(state.auditText, 'application/xml') : null;
      state.doc = doc;
      state.auditDoc = audit;
      state.id = doc.documentElement.getAttribute('id') || '';
      state.answers = effectiveAnswers(doc, audit);
      state.score = await call('/v1/score', state.subText, state.auditText || null);
      resetWhatIf();
      $('download').disabled = false;
      await loadPreviews();
    } catch (e) {
      showHttpError(e);
    } finally {
      $('go').disabled = false;
    }
  }

  function readFile(input, target) {
    input.addEventListener('change', async () => {
      const f = input.files && input.files[0];
      if (f) $(target).value = await f.text();
    });
  }

  function fillLangSelects() {
    const names = state.i18n.languages;
    const sel = $('lang');
    sel.replaceChildren(...Object.keys(names).map((k) => el('option', { value: k, lang: k, text: names[k] })));
    sel.value = state.lang;
    const rep = $('report-lang');
    const keep = rep.value;
    rep.replaceChildren(el('option', { value: '', text: t('report_lang_default') }),
      ...Object.keys(names).map((k) => el('option', { value: k, lang: k, text: names[k] })));
    rep.value = keep || '';
  }

  async function setLang(lang) {
    const r = await fetch('/v1/catalog?lang=' + encodeURIComponent(lang));
    if (!r.ok) return;
    state.catalog = await r.json();
    state.lang = lang;
    sessionStorage.setItem('certreport.lang', lang);
    document.documentElement.lang = lang;
    for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
    document.title = t('title');
    fillLangSelects();
    if (state.score) {
      renderScore();
      buildWhatIf();
      markChanged();
      announce();
    } else {
      say(t('status_ready'));
    }
  }

  async function start() {
    state.i18n = await (await fetch('/i18n.json')).json();
    const saved = sessionStorage.getItem('certreport.lang');
    const nav = (navigator.language || 'en').slice(0, 2).toLowerCase();
    const want = saved || (state.i18n[nav] ? nav : 'en');
    state.token = sessionStorage.getItem('certreport.token') || '';
    $('token').value = state.token;
    readFile($('sub-file'), 'sub-text');
    readFile($('audit-file'), 'audit-text');
    $('files').addEventListener('submit', go);
    $('lang').addEventListener('change', () => setLang($('lang').value));
    $('report-lang').addEventListener('change', () => state.score && loadPreviews());
    $('download').addEventListener('click', downloadPdf);
    $('reset').addEventListener('click', resetWhatIf);
    await setLang(want);
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', start);
})();
