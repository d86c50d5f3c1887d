'use strict';
// The operator page served by bus.serveAdmin(): lib/admin.html, one
// self-contained document (inline CSS and JS) that polls GET /health and
// GET /stats and tails events over the /ws endpoint of the same server. It
// reads only what those routes already expose; it adds no route of its own.
const fs = require('fs');
const path = require('path');

let cached = null;

function template() {
  if (cached === null) cached = fs.readFileSync(path.join(__dirname, 'admin.html'), 'utf8');
  return cached;
}

function attr(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function setMeta(html, name, value) {
  const tag = `<meta name="${name}" content="`;
  const at = html.indexOf(tag);
  if (at < 0) return html;
  const end = html.indexOf('">', at + tag.length);
  return html.slice(0, at + tag.length) + attr(value) + html.slice(end);
}

/**
 * The admin page as an HTML string (the file is read once). `path` is where
 * it is served and `wsPath` the server's WebSocket path (defaults '/admin'
 * and '/ws'): the page finds /health, /stats and /ws from them, keeping any
 * path prefix a reverse proxy adds in front.
 */
function adminPage({ path: at = '/admin', wsPath = '/ws' } = {}) {
  let html = template();
  if (at !== '/admin') html = setMeta(html, 'eventwire-admin-path', at);
  if (wsPath !== '/ws') html = setMeta(html, 'eventwire-ws-path', wsPath);
  return html;
}

module.exports = { adminPage };
