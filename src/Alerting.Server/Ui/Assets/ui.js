// Small enhancements; every page works without this file.
(() => {
  'use strict';

  // Lists marked data-live refresh themselves from the same URL, unless the user is typing in them.
  const live = document.querySelector('[data-live]');
  if (live && live.id) {
    const seconds = Math.max(5, parseInt(live.dataset.live, 10) || 10);
    const refresh = async () => {
      if (document.hidden || live.contains(document.activeElement) && document.activeElement !== document.body) {
        return;
      }
      try {
        const response = await fetch(location.href, { headers: { 'X-Alerting-Live': '1' }, credentials: 'same-origin' });
        if (!response.ok) {
          return;
        }
        const next = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById(live.id);
        if (!next) {
          return;
        }
        const closed = new Set([...live.querySelectorAll('details[id]:not([open])')].map(d => d.id));
        live.replaceChildren(...next.childNodes);
        closed.forEach(id => document.getElementById(id)?.removeAttribute('open'));
        live.dispatchEvent(new CustomEvent('alerting:refreshed', { bubbles: true }));
      } catch {
        // Offline for a moment: the next tick tries again.
      }
    };
    setInterval(refresh, seconds * 1000);
  }

  // The silence editor previews, as you type, the alerts the silence would catch.
  const matchers = document.querySelector('[data-preview-url]');
  const preview = document.getElementById('preview');
  if (matchers && preview) {
    let timer = 0;
    let seq = 0;
    const update = async () => {
      const mine = ++seq;
      const url = new URL(matchers.dataset.previewUrl, location.href);
      url.searchParams.set('matchers', matchers.value);
      try {
        const response = await fetch(url, { credentials: 'same-origin' });
        if (mine === seq) {
          preview.innerHTML = await response.text();
        }
      } catch {
        // The preview button still works without this.
      }
    };
    matchers.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(update, 250);
    });
  }

  // The author of silences is remembered in this browser (the server also remembers it in a cookie).
  const author = document.querySelector('input[name="Input.CreatedBy"]');
  if (author) {
    const key = 'alerting.author';
    if (!author.value) {
      author.value = localStorage.getItem(key) || '';
    }
    author.form?.addEventListener('submit', () => localStorage.setItem(key, author.value));
  }

  // Buttons that destroy ask once more.
  document.addEventListener('submit', e => {
    const message = e.submitter?.dataset.confirm;
    if (message && !confirm(message)) {
      e.preventDefault();
    }
  });
})();
