// Genie's web page. Every text from a user or a model goes into the page through textContent,
// never as HTML. When Genie wants a key, the page asks for it once, keeps it in this tab's
// sessionStorage and sends it as a header on every call; the key never goes into a URL.
'use strict';

(function () {
  const MESSAGES = {
    INVALID_JSON: 'The request could not be read as JSON.',
    INVALID_PROMPT: 'The prompt is empty, or holds a control character that is not allowed.',
    PROMPT_TOO_LONG: 'The prompt is too long; shorten it and send it again.',
    INVALID_REQUEST: 'The chat completion request could not be read.',
    MODEL_NOT_FOUND: 'That model is not offered here.',
    RATE_LIMITED: 'Too many requests with this key; try again in a moment.',
    BUDGET_EXHAUSTED: 'This key has used its tokens for today.',
    INVALID_PARAMETER: 'The list could not be paged that way; it starts again from the newest.',
    UNAUTHENTICATED: 'Genie needs a valid key for this request.',
    FORBIDDEN: 'This key may not see that page.',
    NOT_FOUND: 'There is no prompt with this id.',
    NOT_READY: 'This result is not ready yet.',
    METHOD_NOT_ALLOWED: 'Genie does not answer this request.',
    BODY_TOO_LARGE: 'The prompt is too large to send.',
    UNSUPPORTED_MEDIA_TYPE: 'Genie refused the request format.',
    EXPECTATION_FAILED: 'Genie refused an expectation of the request.',
    GENERATION_FAILED: 'No answer could be written for this prompt this time. Sending it again tries again.',
    STORAGE_UNAVAILABLE: 'Genie cannot reach its store right now; try again in a moment.',
    OVERLOADED: 'Genie is busy; try again in a moment.',
    SHUTTING_DOWN: 'Genie is stopping; try again in a moment.',
    GENERATOR_UNAVAILABLE: 'The model is not answering right now; try again in a moment.',
    UPSTREAM_FAILED: 'The model endpoint could not be asked; try again in a moment.',
    GENERATION_TIMEOUT: 'The answer is taking long; it is still being written.',
    INTERNAL: 'Genie met an internal error; the server log has the details.'
  };
  const POLL_FIRST_MS = 500;
  const POLL_MAX_MS = 3000;
  const KEY_ITEM = 'genie.key';
  const BLOB_LIFETIME_MS = 60000;

  const $ = (id) => document.getElementById(id);
  const form = $('ask');
  const promptInput = $('prompt');
  const sendButton = $('send');
  const message = $('message');
  const recent = $('recent');
  const older = $('older');
  let current = 0; // the latest submission; a newer one stops the polling of older ones
  let nextCursor = null;
  let keyWanted = null; // while the page waits for a key: the promise every refused call awaits
  let keyArrived = null;

  function storedKey() {
    try {
      return sessionStorage.getItem(KEY_ITEM);
    } catch (e) {
      return null; // storage disabled: the key is asked for again on each refusal
    }
  }

  /** Shows the key form once for every call that waits; resolves when a key is entered. */
  function askForKey(refused) {
    if (!keyWanted) {
      keyWanted = new Promise((resolve) => { keyArrived = resolve; });
    }
    $('key-section').hidden = false;
    $('key-message').textContent = refused
      ? 'Genie refused this key: it is unknown or revoked. Enter a valid one.'
      : 'Enter the key Genie\'s operator gave you (keys create).';
    $('key').focus();
    return keyWanted;
  }

  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('key').value.trim();
    if (key === '') {
      $('key-message').textContent = 'Enter a key first.';
      return;
    }
    try {
      sessionStorage.setItem(KEY_ITEM, key);
    } catch (e) {
      $('key-message').textContent = 'This browser keeps no session storage, so the page cannot hold a key.';
      return;
    }
    $('key').value = '';
    $('key-section').hidden = true;
    const arrived = keyArrived;
    keyWanted = null;
    keyArrived = null;
    arrived();
  });

  /**
   * fetch with the tab's key, if it holds one. On 401 the key is forgotten, the page asks for
   * one, and the call is made again with it.
   */
  async function fetchWithKey(url, options) {
    for (;;) {
      const sent = storedKey();
      const headers = Object.assign({}, options && options.headers);
      if (sent) {
        headers.Authorization = 'Bearer ' + sent;
      }
      const response = await fetch(url, Object.assign({}, options, { headers: headers }));
      if (response.status !== 401) {
        return response;
      }
      if (sent && storedKey() === sent) {
        sessionStorage.removeItem(KEY_ITEM);
      }
      if (!storedKey()) {
        const before = { text: message.textContent, error: message.classList.contains('error') };
        say('Waiting for a key: enter it above to go on.');
        await askForKey(Boolean(sent));
        say(before.text, before.error);
      }
    }
  }

  function say(text, isError) {
    message.textContent = text;
    message.classList.toggle('error', Boolean(isError));
  }

  /**
   * A clear sentence for an error answer: what it means, then the request's id for the operator.
   * Genie's own words follow only for the caller's mistakes (4xx); for its own failures (5xx)
   * they are advice to its operator, who finds them in the log by the request's id.
   */
  function explain(status, body) {
    const error = body && body.error;
    if (!error) {
      return 'Genie answered ' + status + ' without an explanation.';
    }
    const meaning = MESSAGES[error.code] || 'Genie refused the request.';
    const detail = status < 500 ? error.code + ': ' + error.message + '; ' : '';
    return meaning + ' (' + detail + 'request ' + error.requestId + ')';
  }

  /** {@code 2026-11-29 10:15:30 UTC}: times as the preview and the PDF write them. */
  function when(iso) {
    const time = new Date(iso);
    return isNaN(time) ? String(iso) : time.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
  }

  /** The model that wrote a prompt's answer, from its generation profile. */
  function modelOf(prompt) {
    if (prompt && prompt.kind === 'chat.completion') {
      return prompt.model || '';
    }
    const profile = prompt && prompt.profile;
    return profile && profile.model ? profile.model : '';
  }

  async function call(method, url, body) {
    const options = { method: method, headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    const response = await fetchWithKey(url, options);
    let json = null;
    try {
      json = await response.json();
    } catch (e) {
      json = null;
    }
    return { status: response.status, headers: response.headers, body: json };
  }

  function promptUrl(id) {
    return '/prompts/' + encodeURIComponent(id);
  }

  /**
   * Storage and Genie-Cache of the answer shown. {@code followed}: the answer was read after a
   * 202, so its Genie-Cache (hit) tells of that read, not of how this request was answered.
   */
  function showHeaders(headers, followed) {
    $('answer-storage').textContent = headers.get('Genie-Storage') || 'not named';
    const cache = followed ? null : headers.get('Genie-Cache');
    document.querySelectorAll('.cache').forEach((el) => { el.hidden = !cache; });
    $('answer-cache').textContent = cache || '';
  }

  function showPrompt(prompt, httpStatus) {
    $('answer').hidden = false;
    const status = $('answer-status');
    status.textContent = prompt.status;
    status.className = 'status-' + prompt.status;
    $('answer-http').textContent = String(httpStatus);
    $('answer-id').textContent = prompt.promptId;
    $('answer-preview').href = promptUrl(prompt.promptId) + '/preview';
    const pdf = $('answer-pdf');
    pdf.hidden = prompt.status !== 'completed';
    pdf.href = promptUrl(prompt.promptId) + '/export.pdf';
    const pages = $('answer-pages');
    pages.replaceChildren();
    if (prompt.status === 'pending') {
      const wait = document.createElement('p');
      wait.className = 'status-pending';
      wait.textContent = 'Still being generated; this answer updates on its own.';
      pages.append(wait);
    }
    const envelope = prompt.envelope;
    if (envelope && Array.isArray(envelope.pages)) {
      envelope.pages.forEach((page) => {
        const section = document.createElement('section');
        section.className = 'result-page';
        const title = document.createElement('h3');
        title.dir = 'auto';
        title.textContent = page.title;
        section.append(title);
        (page.blocks || []).forEach((block) => {
          const p = document.createElement('p');
          p.dir = 'auto';
          p.textContent = block.content;
          section.append(p);
        });
        pages.append(section);
      });
      const model = document.createElement('p');
      model.className = 'hint';
      model.textContent = 'Written by ' + envelope.metadata.model + ' at ' + when(envelope.metadata.generatedAt);
      pages.append(model);
    }
    if (prompt.kind === 'chat.completion' && prompt.completion) {
      pages.append(chatCompletion(prompt));
    }
  }

  // A chat completion asked through /v1: its first choice's text, as paragraphs.
  function chatCompletion(prompt) {
    const section = document.createElement('section');
    section.className = 'result-page';
    const title = document.createElement('h3');
    title.dir = 'auto';
    title.textContent = prompt.prompt;
    section.append(title);
    const choice = (prompt.completion.choices || [])[0] || {};
    const content = (choice.message && typeof choice.message.content === 'string') ? choice.message.content : '';
    content.split(/\n\s*\n/).filter((text) => text.trim()).forEach((text) => {
      const p = document.createElement('p');
      p.dir = 'auto';
      p.textContent = text.trim();
      section.append(p);
    });
    const model = document.createElement('p');
    model.className = 'hint';
    model.textContent = 'Chat completion by ' + prompt.completion.model + ', asked for ' + prompt.model;
    section.append(model);
    return section;
  }

  /** Polls a pending prompt until it settles; {@code httpStatus} is that of the request that found it pending. */
  async function follow(id, submission, httpStatus) {
    let delay = POLL_FIRST_MS;
    while (submission === current) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (submission !== current) {
        return;
      }
      try {
        const answer = await call('GET', promptUrl(id));
        if (answer.status !== 200) {
          say(explain(answer.status, answer.body), true);
        } else {
          showHeaders(answer.headers, true);
          showPrompt(answer.body, httpStatus);
          if (answer.body.status !== 'pending') {
            say(answer.body.status === 'completed' ? 'The answer is ready.' : MESSAGES.GENERATION_FAILED,
              answer.body.status !== 'completed');
            loadRecent(null);
            return;
          }
        }
      } catch (e) {
        say('Genie could not be reached; still trying.', true);
      }
      delay = Math.min(delay * 2, POLL_MAX_MS);
    }
  }

  async function submit() {
    const text = promptInput.value;
    if (text.trim() === '') {
      say('Write a prompt first.', true);
      promptInput.focus();
      return;
    }
    const submission = ++current;
    sendButton.disabled = true;
    say('Sending…');
    try {
      const answer = await call('POST', '/prompts', { prompt: text });
      if (submission !== current) {
        return;
      }
      if (answer.status === 200 || answer.status === 201 || answer.status === 202) {
        showHeaders(answer.headers);
        showPrompt(answer.body, answer.status);
        if (answer.status === 202) {
          say('Genie is still generating; the answer will appear here.');
          follow(answer.body.promptId, submission, answer.status);
        } else {
          say(answer.status === 201 ? 'Generated for you.' : 'This prompt was answered before; here is the same answer.');
          loadRecent(null);
        }
      } else {
        say(explain(answer.status, answer.body), true);
        if (answer.status === 502 && answer.headers.get('Location')) {
          const failed = await call('GET', answer.headers.get('Location'));
          if (failed.status === 200) {
            showHeaders(failed.headers, true);
            showPrompt(failed.body, answer.status);
          }
        }
        loadRecent(null);
      }
    } catch (e) {
      say('Genie could not be reached. Is it running?', true);
    } finally {
      sendButton.disabled = false;
    }
  }

  /** The file name Genie gave in Content-Disposition, the UTF-8 one when there. */
  function fileName(response) {
    const disposition = response.headers.get('Content-Disposition') || '';
    const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    if (utf8) {
      try {
        return decodeURIComponent(utf8[1]);
      } catch (e) {
        // fall through to the plain name
      }
    }
    const plain = /filename="([^"]*)"/i.exec(disposition);
    return plain ? plain[1] : 'genie.pdf';
  }

  /**
   * A link cannot carry a header: with a key, the preview and the PDF are fetched with it and
   * opened from a blob URL instead. The window is opened at the click, so no popup blocker
   * stops it, and gets the preview once it arrived.
   */
  async function openWithKey(url, download) {
    const target = download ? null : window.open('', '_blank');
    if (target) {
      target.opener = null;
    }
    try {
      const response = await fetchWithKey(url, { headers: { Accept: download ? 'application/pdf' : 'text/html' } });
      if (!response.ok) {
        let body = null;
        try {
          body = await response.json();
        } catch (e) {
          body = null;
        }
        if (target) {
          target.close();
        }
        say(explain(response.status, body), true);
        return;
      }
      const blobUrl = URL.createObjectURL(await response.blob());
      setTimeout(() => URL.revokeObjectURL(blobUrl), BLOB_LIFETIME_MS);
      if (download) {
        const save = document.createElement('a');
        save.href = blobUrl;
        save.download = fileName(response);
        save.hidden = true;
        document.body.append(save);
        save.click();
        save.remove();
      } else if (target) {
        target.location.href = blobUrl;
      } else {
        window.open(blobUrl, '_blank', 'noopener');
      }
    } catch (e) {
      if (target) {
        target.close();
      }
      say('Genie could not be reached. Is it running?', true);
    }
  }

  /** Without a key (keys off) the link works as it is; with one, it goes through openWithKey. */
  function withKeyOnClick(link, download) {
    link.addEventListener('click', (event) => {
      if (!storedKey()) {
        return;
      }
      event.preventDefault();
      openWithKey(link.href, download);
    });
  }

  function recentItem(item) {
    const li = document.createElement('li');
    const text = document.createElement('span');
    text.className = 'text';
    text.dir = 'auto';
    text.textContent = item.prompt;
    const meta = document.createElement('span');
    meta.className = 'meta';
    const status = document.createElement('span');
    status.className = 'status-' + item.status;
    status.textContent = item.status;
    const model = modelOf(item);
    const kind = item.kind === 'chat.completion' ? ' · chat' : '';
    meta.append(status, kind + ' · ' + when(item.created) + (model ? ' · ' + model : '') + ' · ' + item.promptId);
    const row = document.createElement('span');
    row.className = 'row';
    const show = document.createElement('button');
    show.type = 'button';
    show.textContent = 'Show';
    show.addEventListener('click', () => open(item.promptId));
    const preview = document.createElement('a');
    preview.href = promptUrl(item.promptId) + '/preview';
    preview.target = '_blank';
    preview.rel = 'noopener';
    preview.textContent = 'Preview';
    withKeyOnClick(preview, false);
    row.append(show, preview);
    if (item.status === 'completed') {
      const pdf = document.createElement('a');
      pdf.href = promptUrl(item.promptId) + '/export.pdf';
      pdf.setAttribute('download', '');
      pdf.textContent = 'PDF';
      withKeyOnClick(pdf, true);
      row.append(pdf);
    }
    li.append(text, meta, row);
    return li;
  }

  async function open(id) {
    const submission = ++current;
    try {
      const answer = await call('GET', promptUrl(id));
      if (answer.status !== 200) {
        say(explain(answer.status, answer.body), true);
        return;
      }
      showHeaders(answer.headers);
      showPrompt(answer.body, answer.status);
      say(answer.body.status === 'failed' ? MESSAGES.GENERATION_FAILED : '', answer.body.status === 'failed');
      $('answer-heading').focus();
      if (answer.body.status === 'pending') {
        follow(id, submission, answer.status);
      }
    } catch (e) {
      say('Genie could not be reached. Is it running?', true);
    }
  }

  async function loadRecent(cursor) {
    const limit = recent.dataset.limit || '5';
    const url = '/prompts?limit=' + encodeURIComponent(limit) + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    try {
      const answer = await call('GET', url);
      if (answer.status !== 200) {
        say(explain(answer.status, answer.body), true);
        return;
      }
      recent.replaceChildren(...answer.body.items.map(recentItem));
      $('recent-empty').hidden = answer.body.items.length > 0;
      nextCursor = answer.body.next;
      older.disabled = !nextCursor;
    } catch (e) {
      say('Genie could not be reached. Is it running?', true);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  promptInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  });
  withKeyOnClick($('answer-preview'), false);
  withKeyOnClick($('answer-pdf'), true);
  older.addEventListener('click', () => loadRecent(nextCursor));
  $('newest').addEventListener('click', () => loadRecent(null));
  loadRecent(null);
})();
