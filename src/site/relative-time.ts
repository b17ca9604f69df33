// Relative times ("3 h ago") are worked out in the reader's browser, not at build time: a page built yesterday must
// still read right today, and an unchanged store must give an unchanged site. The HTML carries the absolute time
// (<time datetime> with a UTC date as its text, which is what readers without JavaScript see); this script rewrites
// the text of every <time data-relative> on load and once a minute.
//
// Both functions are inlined into the page as their own source text (see relativeTimesScript), so each must be
// self-contained: no imports, no helpers from outside its body.

/**
 * "just now", "12 min ago", "3 h ago", "5 days ago"; null for anything older than a month, where a date says more.
 * A time slightly in the future (clocks disagree) reads "just now".
 */
export function relativePhrase(thenMs: number, nowMs: number): string | null {
  var minutes = Math.floor((nowMs - thenMs) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return minutes + ' min ago';
  var hours = Math.floor(minutes / 60);
  if (hours < 24) return hours + ' h ago';
  var days = Math.floor(hours / 24);
  if (days <= 31) return days === 1 ? '1 day ago' : days + ' days ago';
  return null;
}

/** Rewrites every <time data-relative> now and every minute; the absolute date moves to the title. */
export function startRelativeTimes(phrase: (thenMs: number, nowMs: number) => string | null): void {
  var update = function () {
    var now = Date.now();
    var times = document.querySelectorAll('time[data-relative]');
    for (var i = 0; i < times.length; i++) {
      var time = times[i] as HTMLTimeElement;
      var then = Date.parse(time.dateTime);
      if (isNaN(then)) continue;
      if (!time.dataset['absolute']) time.dataset['absolute'] = time.textContent || '';
      time.textContent = phrase(then, now) || time.dataset['absolute'] || '';
    }
  };
  update();
  setInterval(update, 60000);
}

/** The inline script for the page shell. */
export const relativeTimesScript = `(${startRelativeTimes.toString()})(${relativePhrase.toString()});`;
