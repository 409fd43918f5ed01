// rustig's phone page. Plain JavaScript, no libraries, no build step.
//
// The page only shows what the computer decides (GET /api/status: the same Status as
// `rustig status`) and reports what happened (POST /api/runs: which seconds of the
// session were played). The audio is kept in IndexedDB so a run works with the phone
// offline; a finished run waits in localStorage until the computer can be reached.
// All text from the server is put in the page with textContent, never as HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const audio = $('audio');

// ---- small stores -------------------------------------------------------------
const local = {
  get(key, fallback = null) {
    try {
      const v = localStorage.getItem('rustig.' + key);
      return v === null ? fallback : JSON.parse(v);
    } catch (e) {
      return fallback;
    }
  },
  set(key, value) {
    localStorage.setItem('rustig.' + key, JSON.stringify(value));
  },
  del(key) {
    localStorage.removeItem('rustig.' + key);
  },
};

function idb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('rustig', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('audio', { keyPath: 'file' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function idbDo(mode, fn) {
  const db = await idb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction('audio', mode);
    const req = fn(tx.objectStore('audio'));
    tx.oncomplete = () => resolve(req ? req.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const saved = {
  get: (file) => idbDo('readonly', (s) => s.get(file)),
  keys: () => idbDo('readonly', (s) => s.getAllKeys()),
  put: (rec) => idbDo('readwrite', (s) => s.put(rec)),
  del: (file) => idbDo('readwrite', (s) => s.delete(file)),
};

// ---- talking to the computer --------------------------------------------------
let token = local.get('token');

class Offline extends Error {}

async function api(path, options = {}) {
  const headers = { Authorization: 'Bearer ' + token };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['X-Rustig'] = '1';
  }
  let res;
  try {
    res = await fetch(path, {
      method: options.method || 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
    });
  } catch (e) {
    setNet(false);
    throw new Offline();
  }
  setNet(true);
  if (res.status === 401) {
    showUnpaired('Deze telefoon is niet (meer) gekoppeld.');
  }
  return res;
}

async function errorText(res) {
  try {
    const j = await res.json();
    if (j && typeof j.error === 'string') return j.error;
  } catch (e) {
    // not JSON
  }
  return 'De computer gaf een fout (' + res.status + ').';
}

function setNet(up) {
  $('net').textContent = up ? 'verbonden' : 'geen verbinding';
}

// ---- messages and screens -----------------------------------------------------
function say(text, error = false) {
  const m = $('message');
  m.textContent = text;
  m.classList.toggle('error', error);
  m.hidden = !text;
}

const screens = ['loading', 'unpaired', 'home', 'run', 'after', 'log', 'report'];

function show(name) {
  for (const s of screens) $(s).hidden = s !== name;
  const tabs = { home: 'nav-home', log: 'nav-log', report: 'nav-report' };
  for (const [screen, id] of Object.entries(tabs)) {
    if (screen === name) $(id).setAttribute('aria-current', 'page');
    else $(id).removeAttribute('aria-current');
  }
  // During a run and its questions the tabs would only distract.
  document.querySelector('nav').hidden = name === 'run' || name === 'after';
  window.scrollTo(0, 0);
}

function showUnpaired(why) {
  token = null;
  local.del('token');
  $('unpaired-why').textContent = why || '';
  show('unpaired');
}

function clock(secs) {
  secs = Math.max(0, Math.round(secs));
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = String(secs % 60).padStart(2, '0');
  return h > 0 ? h + ':' + String(m).padStart(2, '0') + ':' + s : m + ':' + s;
}

// `1 minuut`, `2,5 minuten`.
function minutes(n) {
  return number(n) + (Math.round(n * 10) === 10 ? ' minuut' : ' minuten');
}

// A number the Dutch way, to one decimal: `2,5`.
function number(n) {
  return String(Math.round(n * 10) / 10).replace('.', ',');
}

function now() {
  return Math.floor(Date.now() / 1000);
}

function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function deviceName() {
  const ua = navigator.userAgent;
  if (/iPhone/.test(ua)) return 'iphone';
  if (/iPad/.test(ua)) return 'ipad';
  if (/Android/.test(ua)) return 'android';
  if (/Macintosh/.test(ua)) return 'mac';
  if (/Windows/.test(ua)) return 'windows';
  if (/Linux/.test(ua)) return 'linux';
  return 'telefoon';
}

// ---- questions ----------------------------------------------------------------
// Draws the scored questions into `box`; `answers` is filled as they are tapped
// (tap again to take an answer back: every question may be skipped).
function drawQuestions(box, questions, answers, onChange) {
  box.textContent = '';
  for (const q of questions) {
    const set = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = q.text;
    set.append(legend);
    const scale = document.createElement('div');
    scale.className = 'scale';
    for (let n = 1; n <= 5; n++) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = String(n);
      b.dataset.question = q.key;
      b.dataset.score = String(n);
      b.setAttribute('aria-pressed', answers[q.key] === n ? 'true' : 'false');
      b.addEventListener('click', () => {
        answers[q.key] = answers[q.key] === n ? undefined : n;
        for (const other of scale.children) {
          other.setAttribute('aria-pressed', answers[q.key] === Number(other.dataset.score) ? 'true' : 'false');
        }
        if (onChange) onChange();
      });
      scale.append(b);
    }
    set.append(scale);
    const ends = document.createElement('div');
    ends.className = 'ends';
    const low = document.createElement('span');
    low.textContent = '1 ' + q.low;
    const high = document.createElement('span');
    high.textContent = '5 ' + q.high;
    ends.append(low, high);
    set.append(ends);
    box.append(set);
  }
}

// ---- home -----------------------------------------------------------------------
let home = null; // the last /api/status answer
// The runner's answer to a suggested repeat, kept with the session it is about; as
// in the terminal, the repeat is played unless the runner chooses to go on.
function choiceNow() {
  const c = local.get('choice');
  if (home && home.repeat && c && c.file === home.repeat.file) return c.choice;
  return 'repeat';
}

function choose(c) {
  if (home && home.repeat) local.set('choice', { file: home.repeat.file, choice: c });
  drawHome();
}
const before = local.get('before', {});

function chosen() {
  if (!home) return null;
  if (home.repeat && choiceNow() === 'repeat') return home.repeat;
  return home.next;
}

async function loadHome() {
  let data = null;
  if (token) {
    try {
      const res = await api('/api/status');
      if (res.status === 401) return;
      if (res.ok) {
        data = await res.json();
        local.set('status', data);
      } else {
        say(await errorText(res), true);
      }
    } catch (e) {
      if (!(e instanceof Offline)) throw e;
    }
  }
  if (!data) {
    data = local.get('status');
    if (data) say('Geen verbinding met je computer. Wat je al hebt gedownload, speelt gewoon.');
  }
  if (!data) {
    showUnpaired(token ? 'Je computer is niet bereikbaar. Staat rustig serve aan?' : '');
    return;
  }
  home = data;
  drawHome();
  show('home');
}

function drawHome() {
  const s = home.status;
  $('choice').hidden = !home.repeat;
  const choice = choiceNow();
  if (home.repeat) {
    $('choice-why').textContent = home.repeat_line;
    $('choose-repeat').textContent = 'Herhaal ' + home.repeat.title;
    $('choose-next').textContent = 'Ga door met ' + (home.next ? home.next.title : 'de volgende');
    $('choose-repeat').setAttribute('aria-pressed', choice === 'repeat' ? 'true' : 'false');
    $('choose-next').setAttribute('aria-pressed', choice === 'repeat' ? 'false' : 'true');
  }
  const session = chosen();
  $('done-all').hidden = !!session;
  for (const id of ['next-card', 'before-card', 'take-card']) $(id).hidden = !session;
  if (session) {
    $('next-label').textContent = home.repeat && choice === 'repeat' ? 'Je herhaalt' : 'Je volgende training';
    $('next-title').textContent = session.title;
    $('next-plan').textContent = session.plan;
    $('next-length').textContent = minutes(session.minutes) + ', waarvan ' + number(session.run_minutes) + ' hardlopen';
  }
  const pct = Math.min(100, (100 * s.run_minutes) / s.goal_minutes);
  $('minutes-bar').style.width = pct + '%';
  $('minutes-text').textContent = number(s.run_minutes) + ' van ' + s.goal_minutes + ' minuten';
  $('week-text').textContent =
    'Deze week: ' + (s.runs_this_week === 1 ? '1 training' : s.runs_this_week + ' trainingen');
  drawQuestions($('before-questions'), home.questions.before, before, () => local.set('before', before));
  drawDownload();
  drawPending();
}

async function drawDownload() {
  const session = chosen();
  if (!session) return;
  let rec = null;
  try {
    rec = await saved.get(session.file);
  } catch (e) {
    rec = null;
  }
  const ready = !!rec;
  $('start').disabled = !ready;
  $('download').textContent = ready ? 'Opnieuw downloaden' : 'Download voor onderweg';
  $('download-state').textContent = ready
    ? 'Staat op je telefoon (' + (rec.blob.size / 1e6).toFixed(1).replace('.', ',') + ' MB). Je kunt zonder verbinding lopen.'
    : 'Download eerst, dan speelt de training ook zonder wifi.';
}

async function download() {
  const session = chosen();
  if (!session) return;
  const format = audio.canPlayType('audio/mpeg') ? 'mp3' : 'ogg';
  $('download').disabled = true;
  $('download-state').textContent = 'De computer maakt de training klaar…';
  try {
    const res = await api('/api/audio/' + encodeURIComponent(session.file) + '?format=' + format);
    if (!res.ok) {
      if (res.status !== 401) $('download-state').textContent = await errorText(res);
      return;
    }
    // A session sent while the computer renders it has no length yet, only an estimate.
    const exact = Number(res.headers.get('Content-Length')) || 0;
    const total = exact || Number(res.headers.get('X-Expected-Length')) || 0;
    const reader = res.body.getReader();
    const parts = [];
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      got += value.length;
      if (total) $('download-state').textContent = 'Downloaden… ' + Math.min(exact ? 100 : 99, Math.floor((100 * got) / total)) + '%';
    }
    const blob = new Blob(parts, { type: res.headers.get('Content-Type') || 'audio/mpeg' });
    // Keep only this session and the one being run, so the phone does not fill up.
    const keep = new Set([session.file, (local.get('current') || {}).session]);
    for (const key of await saved.keys()) if (!keep.has(key)) await saved.del(key);
    await saved.put({ file: session.file, session, blob, saved_at: now() });
  } catch (e) {
    $('download-state').textContent =
      e instanceof Offline ? 'Geen verbinding met je computer; probeer het thuis nog eens.' : 'Opslaan op je telefoon lukte niet: ' + e;
    return;
  } finally {
    $('download').disabled = false;
  }
  await drawDownload();
}

// ---- runs waiting to be sent ------------------------------------------------------
function pending() {
  return local.get('pending', []);
}

function drawPending() {
  const n = pending().length;
  $('pending').hidden = n === 0;
  $('pending').textContent =
    n === 1 ? '1 training wacht op verbinding met je computer.' : n + ' trainingen wachten op verbinding met je computer.';
}

let sending = false;

async function sendPending() {
  if (sending || !token) return;
  sending = true;
  let sent = 0;
  try {
    for (const run of pending()) {
      let res;
      try {
        res = await api('/api/runs', { method: 'POST', body: run });
      } catch (e) {
        break; // still offline: try again later
      }
      if (res.status === 401) break;
      if (res.ok) {
        const answer = await res.json();
        say(answer.message);
        sent++;
      } else if (res.status >= 400 && res.status < 500) {
        say(await errorText(res), true);
      } else {
        break; // the computer had a problem: keep it and retry
      }
      local.set('pending', pending().filter((r) => r.request_key !== run.request_key));
    }
  } finally {
    sending = false;
    drawPending();
  }
  if (sent > 0 && !$('home').hidden) await loadHome();
}

// ---- the run ----------------------------------------------------------------------
// `current` is the run in progress, kept in localStorage so a closed tab loses
// nothing: which stretches of the session were played (session seconds).
let current = null;
let segStart = null; // where the stretch being played started
let last = 0; // the last position seen while playing
let lastWall = 0; // performance.now() at `last`
let artwork = null; // blob URL of the icon, fetched while online

function position() {
  return audio.currentTime || 0;
}

function persist() {
  if (!current) return;
  const open = segStart !== null && last > segStart ? [segStart, last] : null;
  local.set('current', Object.assign({}, current, { open, saved_at: now() }));
}

function closeStretch(at) {
  if (segStart !== null && current && at > segStart) current.played.push([segStart, at]);
  segStart = null;
  persist();
}

// Where playback was just before a seek: the last position seen, plus the time
// played since (timeupdate is rare while the phone is locked).
function beforeSeek() {
  if (segStart === null) return last;
  const elapsed = (performance.now() - lastWall) / 1000;
  return Math.min(last + elapsed, current ? current.duration : last + elapsed);
}

audio.addEventListener('playing', () => {
  if (!current) return;
  segStart = position();
  last = segStart;
  lastWall = performance.now();
  $('toggle').classList.remove('paused');
  $('toggle').setAttribute('aria-label', 'Pauze');
  setPlaybackState('playing');
});
audio.addEventListener('timeupdate', () => {
  if (!current) return;
  if (segStart !== null && !audio.seeking) {
    last = position();
    lastWall = performance.now();
  }
  drawRun();
});
audio.addEventListener('seeking', () => {
  if (!current) return;
  closeStretch(beforeSeek());
});
audio.addEventListener('seeked', () => {
  if (!current || audio.paused) return;
  segStart = position();
  last = segStart;
  lastWall = performance.now();
});
audio.addEventListener('pause', () => {
  if (!current) return;
  closeStretch(position());
  $('toggle').classList.add('paused');
  $('toggle').setAttribute('aria-label', 'Verder');
  setPlaybackState('paused');
});
audio.addEventListener('ended', () => {
  if (!current) return;
  closeStretch(position());
  finish();
});
setInterval(() => {
  if (current && segStart !== null) persist();
}, 5000);

function blockAt(t) {
  const blocks = current.blocks;
  for (let i = blocks.length - 1; i >= 0; i--) if (t >= blocks[i].start) return i;
  return 0;
}

function drawRun() {
  if (!current) return;
  const t = position();
  const d = current.duration;
  const blocks = current.blocks;
  if (blocks.length) {
    const i = blockAt(t);
    const b = blocks[i];
    $('run-block').textContent = b.name;
    $('run-left').textContent = clock(b.end - t);
    $('run-next').textContent = i + 1 < blocks.length ? 'Daarna: ' + blocks[i + 1].name : 'Daarna: klaar!';
  }
  $('run-total').textContent = clock(t) + ' van ' + clock(d) + ' · nog ' + clock(d - t);
  $('run-bar').style.width = Math.min(100, (100 * t) / d) + '%';
  if (navigator.mediaSession && navigator.mediaSession.setPositionState && isFinite(d) && d > 0) {
    try {
      navigator.mediaSession.setPositionState({ duration: d, playbackRate: 1, position: Math.min(t, d) });
    } catch (e) {
      // older browsers
    }
  }
}

function jumpBlock(step) {
  if (!current || !current.blocks.length) return;
  const t = position();
  let i = blockAt(t);
  // "Back" within the first seconds of a block goes to the block before.
  if (step < 0 && t - current.blocks[i].start < 3 && i > 0) i--;
  else if (step > 0) i++;
  if (i >= current.blocks.length) {
    audio.currentTime = Math.max(0, current.duration - 0.5);
    return;
  }
  audio.currentTime = current.blocks[i].start;
}

function setPlaybackState(state) {
  if (navigator.mediaSession) navigator.mediaSession.playbackState = state;
}

// The lock screen: title, program, artwork, chapters; play/pause, seek, blocks.
function mediaSession(session) {
  if (!('mediaSession' in navigator)) return;
  const ms = navigator.mediaSession;
  const art = artwork ? [{ src: artwork, sizes: '512x512', type: 'image/png' }] : [];
  try {
    ms.metadata = new MediaMetadata({
      title: session.title,
      artist: 'rustig',
      album: session.program_title,
      artwork: art,
      chapterInfo: session.blocks.map((b) => ({ title: b.name, startTime: b.start, artwork: art })),
    });
  } catch (e) {
    ms.metadata = new MediaMetadata({ title: session.title, artist: 'rustig', album: session.program_title, artwork: art });
  }
  const handlers = {
    play: () => audio.play(),
    pause: () => audio.pause(),
    stop: () => stopRun(false),
    seekto: (d) => {
      audio.currentTime = d.seekTime;
    },
    seekbackward: (d) => {
      audio.currentTime = Math.max(0, position() - (d.seekOffset || 10));
    },
    seekforward: (d) => {
      audio.currentTime = Math.min(current.duration, position() + (d.seekOffset || 10));
    },
    previoustrack: () => jumpBlock(-1),
    nexttrack: () => jumpBlock(1),
  };
  for (const [action, handler] of Object.entries(handlers)) {
    try {
      ms.setActionHandler(action, handler);
    } catch (e) {
      // an action this browser does not know
    }
  }
}

async function startRun() {
  const session = chosen();
  if (!session) return;
  const rec = await saved.get(session.file);
  if (!rec) {
    await drawDownload();
    return;
  }
  current = {
    request_key: randomKey(),
    session: session.file,
    title: session.title,
    program_title: session.program_title,
    duration: session.duration,
    blocks: session.blocks,
    started_at: now(),
    before: Object.assign({}, before),
    played: [],
    done: false,
  };
  persist();
  say('');
  $('net').textContent = '';
  audio.src = URL.createObjectURL(rec.blob);
  audio.currentTime = 0;
  $('run-title').textContent = session.title;
  mediaSession(session);
  show('run');
  drawRun();
  try {
    await audio.play();
  } catch (e) {
    say('Tik op ▶ om te beginnen.');
  }
}

function stopRun(ask) {
  if (!current) return;
  if (ask && !confirm('Wil je stoppen? Wat je gelopen hebt, wordt bewaard.')) return;
  audio.pause();
  closeStretch(position());
  finish();
}

function finish() {
  if (!current || current.done) return;
  current.done = true;
  current.ended_at = now();
  persist();
  setPlaybackState('none');
  showAfter('');
}

// ---- after the run ----------------------------------------------------------------
const after = {};

function showAfter(intro) {
  say('');
  $('after-intro').textContent = intro || 'Goed gedaan! Hoe voel je je nu?';
  const questions = (home && home.questions) || (local.get('status') || {}).questions;
  drawQuestions($('after-questions'), questions ? questions.after : [], after);
  if (questions) {
    $('note-label').textContent = questions.note;
    $('note').maxLength = questions.note_max;
  }
  show('after');
}

async function saveRun() {
  if (!current) return;
  const answers = Object.assign({}, current.before, after);
  const note = $('note').value.trim();
  if (note) answers.note = note;
  for (const k of Object.keys(answers)) if (answers[k] === undefined) delete answers[k];
  const played = current.played.slice();
  if (current.open) played.push(current.open);
  const run = {
    request_key: current.request_key,
    session: current.session,
    started_at: current.started_at,
    ended_at: current.ended_at || now(),
    played,
    speed: 1,
    answers,
  };
  local.set('pending', pending().filter((r) => r.request_key !== run.request_key).concat([run]));
  local.del('current');
  local.del('before');
  // A repeat suggested after this run is a new question.
  local.del('choice');
  for (const k of Object.keys(before)) delete before[k];
  for (const k of Object.keys(after)) delete after[k];
  $('note').value = '';
  current = null;
  audio.removeAttribute('src');
  say('Bewaard op je telefoon; ik stuur het naar je computer.');
  drawPending();
  show('home');
  if (home) drawHome();
  await sendPending();
  if (pending().length) say('Je training staat klaar op je telefoon en gaat naar je computer zodra die bereikbaar is.');
}

// A run whose tab was closed: its questions are asked now.
function recover() {
  const c = local.get('current');
  if (!c) return false;
  current = c;
  if (current.open) {
    current.played.push(current.open);
    current.open = null;
  }
  if (!current.done) {
    current.done = true;
    current.ended_at = current.saved_at || now();
    persist();
    showAfter('Je training ' + current.title + ' werd onderbroken. Wat je gelopen hebt, is bewaard. Hoe ging het?');
  } else {
    showAfter('');
  }
  return true;
}

// ---- the podcast feed --------------------------------------------------------------
async function makeFeed() {
  $('make-feed').disabled = true;
  try {
    const res = await api('/api/feed', { method: 'POST', body: {} });
    if (!res.ok) {
      if (res.status !== 401) say(await errorText(res), true);
      return;
    }
    const feed = await res.json();
    $('feed-url').value = feed.url;
    $('feed-note').textContent =
      'Dit adres is geheim: wie het heeft, hoort je trainingen. Je ziet het maar één keer. ' +
      'Stoppen met deze feed: rustig serve --revoke ' + feed.name + ' op je computer.';
    $('feed-made').hidden = false;
  } catch (e) {
    say('Geen verbinding met je computer.', true);
  } finally {
    $('make-feed').disabled = false;
  }
}

async function copyFeed() {
  const input = $('feed-url');
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    $('copy-feed').textContent = 'Gekopieerd';
  } catch (e) {
    // Plain http has no clipboard API: the selected text can be copied by hand.
    document.execCommand('copy');
    $('copy-feed').textContent = 'Gekopieerd (of kopieer de geselecteerde tekst)';
  }
}

// ---- log and report ---------------------------------------------------------------
async function loadLog() {
  say('');
  show('log');
  const list = $('log-list');
  list.textContent = 'Even geduld…';
  let data;
  try {
    const res = await api('/api/runs');
    if (!res.ok) {
      list.textContent = res.status === 401 ? '' : await errorText(res);
      return;
    }
    data = await res.json();
  } catch (e) {
    list.textContent = 'Geen verbinding met je computer.';
    return;
  }
  list.textContent = '';
  if (!data.runs.length) list.textContent = 'Nog geen trainingen in je dagboek.';
  for (const r of data.runs) {
    const li = document.createElement('li');
    const when = document.createElement('div');
    when.className = 'when';
    when.textContent = new Date(r.started_at * 1000).toLocaleString('nl-NL', { dateStyle: 'medium', timeStyle: 'short' });
    const title = document.createElement('div');
    title.textContent = r.title + (r.completed ? ' ✓' : '') + ' · ' + minutes(r.minutes_run) + ' hardgelopen';
    li.append(when, title);
    const a = r.answers;
    const pair = (b, n) => (b === null ? '–' : b) + ' → ' + (n === null ? '–' : n);
    const scores = [];
    if (a.stress_before !== null || a.stress_after !== null) scores.push('stress ' + pair(a.stress_before, a.stress_after));
    if (a.mood_before !== null || a.mood_after !== null) scores.push('stemming ' + pair(a.mood_before, a.mood_after));
    if (a.effort !== null) scores.push('zwaar ' + a.effort);
    if (scores.length) {
      const s = document.createElement('div');
      s.className = 'quiet';
      s.textContent = scores.join(' · ');
      li.append(s);
    }
    if (r.note) {
      const n = document.createElement('div');
      n.className = 'note';
      n.textContent = r.note;
      li.append(n);
    }
    list.append(li);
  }
}

async function loadReport() {
  say('');
  show('report');
  const frame = $('report-frame');
  try {
    const res = await api('/api/report');
    if (!res.ok) return;
    // A sandboxed frame without scripts: the report is plain HTML and SVG.
    frame.srcdoc = await res.text();
  } catch (e) {
    frame.srcdoc = '<p style="font-family:sans-serif">Geen verbinding met je computer.</p>';
  }
}

// ---- start ------------------------------------------------------------------------
async function pair() {
  const m = /k=([0-9a-f]{32})/.exec(location.hash);
  if (!m) return;
  history.replaceState(null, '', location.pathname);
  try {
    const res = await fetch('/api/pair', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Rustig': '1' },
      body: JSON.stringify({ secret: m[1], name: deviceName() }),
    });
    if (res.ok) {
      const j = await res.json();
      token = j.token;
      local.set('token', token);
      local.set('device', j.device);
      say('Gekoppeld! Deze telefoon heet ' + j.device + ' op je computer.');
    } else {
      showUnpaired(await errorText(res));
    }
  } catch (e) {
    showUnpaired('Je computer is niet bereikbaar.');
  }
}

async function fetchArtwork() {
  try {
    const res = await fetch('/icon-512.png');
    if (res.ok) artwork = URL.createObjectURL(await res.blob());
  } catch (e) {
    artwork = null;
  }
}

function wire() {
  $('download').addEventListener('click', download);
  $('start').addEventListener('click', startRun);
  $('toggle').addEventListener('click', () => (audio.paused ? audio.play() : audio.pause()));
  $('prev').addEventListener('click', () => jumpBlock(-1));
  $('skip').addEventListener('click', () => jumpBlock(1));
  $('stop').addEventListener('click', () => stopRun(true));
  $('save').addEventListener('click', saveRun);
  $('nav-home').addEventListener('click', () => loadHome());
  $('nav-log').addEventListener('click', loadLog);
  $('nav-report').addEventListener('click', loadReport);
  $('make-feed').addEventListener('click', makeFeed);
  $('copy-feed').addEventListener('click', copyFeed);
  $('choose-repeat').addEventListener('click', () => choose('repeat'));
  $('choose-next').addEventListener('click', () => choose('next'));
  window.addEventListener('online', sendPending);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') sendPending();
  });
  setInterval(sendPending, 20000);
  window.addEventListener('beforeunload', () => {
    if (current && !current.done) {
      closeStretch(beforeSeek());
    }
  });
}

async function main() {
  wire();
  await pair();
  fetchArtwork();
  if (!token) {
    showUnpaired('');
    return;
  }
  const interrupted = recover();
  if (interrupted) {
    // Load the status behind the questions, so the home screen is ready after.
    loadHome().then(() => {
      if (current) show('after');
    });
  } else {
    await loadHome();
  }
  sendPending();
}

main();
